/*
 * Gaps in another host's feed, on a real nats-server: host B's bridge publishes its core's
 * events, console A's fleet client reads them. While the bus is steady A reports no gap;
 * events B's core had while nats-server was down never reach A by the feed, and once the bus
 * is back A reports them as one gap of B (at least as many as B had while down) and fills it
 * from B's journal (journal.events in A's session with B), in place, before B's next event.
 * A revocation on B reaches A naming the preempting control, as B's core knows it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Log } from '../../src/main/core';
import { FleetBridge, FleetConsole } from '../../src/main/fleet';
import type { GapFill } from '../../src/main/fleet/gap-fill';
import { HostOps } from '../../src/main/host/host-ops';
import { hostRequestHandler } from '../../src/main/host/host-requests';
import { type Journal, openJournal } from '../../src/main/host/journal';
import {
  ALL_CAPS,
  Cap,
  Kind,
  LeaseClass,
  Source,
  type VmsigEvent,
  decodeCursor,
  encodeCursor,
} from '../../src/shared/model';
import { ALL_ENDPOINTS } from '../../src/main/core';
import { type RigSeam, addSeam, attach, leaseCmd, newRig } from '../helpers/core-rig';
import { recordingTargets } from '../helpers/host-op-targets';
import { NatsServer, clientUser, hostUser, natsServerBin } from '../helpers/nats-server';
import { until } from '../helpers/until';

const PW = { b: 'pw-gaps-b', console: 'pw-gaps-console' };

describe.skipIf(!natsServerBin())('gaps in a fleet host feed', () => {
  let dir: string;
  let nats: NatsServer;
  let bridge: FleetBridge;
  let fleet: FleetConsole;
  let sensor: RigSeam;
  let journal: Journal;
  let core: ReturnType<typeof newRig>['core'];
  /** What console A got from B, in order: cursor x values and gaps (with what B's journal filled). */
  const got: ({ x: number } | { missed: number; fill: GapFill })[] = [];
  /** B's revocations as A got them: the preemptor's name B gave. */
  const revoked: (string | undefined)[] = [];
  const logs: string[] = [];
  const log: Log = (level, msg) => void logs.push(`${level} ${msg}`);
  let x = 0;

  /** B's core reports `n` cursor moves (each a feed event); returns the x of the last. */
  const moves = (n: number): number => {
    for (let i = 0; i < n; i++)
      sensor.port.emit({
        kind: Kind.CURSOR_STATE,
        inln: encodeCursor({ x: ++x, y: 1, visible: 1, seq: x }),
      });
    return x;
  };
  const cursorsGot = (): number[] => got.flatMap((g) => ('x' in g ? [g.x] : []));
  const gapsGot = (): number[] => got.flatMap((g) => ('missed' in g ? [g.missed] : []));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-feed-gaps-'));
    nats = await NatsServer.start(dir, [hostUser('b', PW.b), clientUser('console-a', PW.console)]);
    const rig = newRig({ endpoints: [1] });
    core = rig.core;
    // B keeps a journal (every cursor report, so a gap of them can be filled in full).
    journal = openJournal(rig.core, { dir: path.join(dir, 'journal-b'), policy: {} });
    const runStartRec = journal.nextRec();
    sensor = addSeam(rig.core, 1, Source.FRAME);
    const consoleOnB = {
      name: 'operator',
      principal: 1,
      caps: ALL_CAPS,
      grant: ALL_ENDPOINTS,
      leasePrio: 10,
    };
    bridge = FleetBridge.start({
      config: {
        url: nats.url,
        host: 'b',
        user: 'host-b',
        password: PW.b,
        users: new Map([['console-a', consoleOnB]]),
      },
      core: rig.core,
      clock: rig.clock,
      log,
      // The host's own handler, as `vmsig serve` wires it: journal.events reads B's journal.
      hostRequests: hostRequestHandler({
        core: rig.core,
        ops: new HostOps({
          core: rig.core,
          journal: () => journal,
          targets: recordingTargets([]),
          nowNs: () => rig.clock.nowNs(),
          log,
        }),
        vms: () => [],
        journal: { journal: () => journal, runStartRec },
      }),
      vms: () => [{ id: 1, name: 'demo', state: 'running', layout: 'de' }],
    });
    fleet = FleetConsole.start(
      {
        url: nats.url,
        host: 'a',
        user: 'host-a',
        password: 'unused',
        users: new Map(),
        console: { user: 'console-a', password: PW.console },
      },
      log,
    )!;
    fleet.onEvent((host, ev: VmsigEvent, meta) => {
      if (host === 'b' && ev.kind === Kind.CURSOR_STATE) got.push({ x: decodeCursor(ev.inln).x });
      if (host === 'b' && ev.kind === Kind.LEASE_REVOKED) revoked.push(meta.preemptor);
    });
    fleet.onGap((host, missed, fill) => {
      if (host === 'b') got.push({ missed, fill });
    });
    await until(
      () => fleet.snapshot().hosts.some((h) => h.name === 'b' && h.reachable) && bridge.connected,
      10_000,
      'B on the bus and seen by A',
      50,
    );
  }, 30_000);

  afterAll(async () => {
    await fleet?.stop();
    await bridge?.stop();
    journal?.close();
    await nats?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("carries B's layout in its presence to A's view", () => {
    const vm = fleet.snapshot().hosts.find((h) => h.name === 'b')?.vms[0];
    expect(vm?.layout).toBe('de');
  });

  it('reports no gap while the bus is steady', async () => {
    // The first moves may go before A's subscription is live: wait until one arrives.
    await until(() => (moves(1), cursorsGot().length > 0), 10_000, 'a first cursor move at A', 100);
    const last = moves(50);
    await until(() => cursorsGot().includes(last), 5000, 'the 50 moves at A', 20);
    const after = cursorsGot().slice(cursorsGot().indexOf(last) - 49);
    expect(after).toEqual(Array.from({ length: 50 }, (_, i) => last - 49 + i));
    expect(gapsGot()).toEqual([]);
  });

  it("names the control of B that preempted a lease, as B's core knows it", async () => {
    const holder = attach(core, { name: 'ops@nats:alice', principal: 5, caps: Cap.INPUT, leasePrio: 5 });
    const robot = attach(core, { name: 'robot', principal: 7, caps: Cap.INPUT, leasePrio: 20 });
    holder.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT, 1));
    robot.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT, 2));
    await until(() => revoked.length > 0, 5000, "B's revocation at A", 20);
    expect(revoked).toEqual(['robot']);
    core.detachControl(robot.id);
    core.detachControl(holder.id);
    // The robot's lease went with it (principal 0): nobody is named.
    await until(() => revoked.length > 1, 5000, "B's second revocation at A", 20);
    expect(revoked[1]).toBeUndefined();
  });

  it("reports what B had while nats-server was down as one gap, filled in place from B's journal", async () => {
    // A's session with B, open before the outage: B ends it while the bus is gone, so the
    // fill must notice it talks to a session B no longer holds and ask again in a new one.
    const status = await fleet.command('b', leaseCmd(Kind.CMD_LEASE_STATUS, 1, LeaseClass.INPUT));
    expect(status.kind).toBe(Kind.LEASE_STATUS);
    await nats.stop();
    await until(() => !bridge.connected, 10_000, 'B to notice the bus is gone', 20);
    const before = x;
    const lastWhileDown = moves(25);
    await until(() => bridge.sessionCount === 0, 5000, "B to end A's session", 50);
    await nats.restart();
    await until(() => bridge.connected && fleet.view.connected, 15_000, 'B and A back on the bus', 50);
    // A's subscription is renewed a moment after its reconnect: move until a move arrives.
    await until(
      () => (moves(1), cursorsGot().some((v) => v > lastWhileDown)),
      10_000,
      'a move after the gap',
      100,
    );
    const gaps = gapsGot();
    expect(gaps.length).toBe(1);
    // B's 25 moves while down at least (also any state replay or move sent before A resubscribed).
    expect(gaps[0]).toBeGreaterThanOrEqual(25);
    const at = got.findIndex((g) => 'missed' in g);
    const row = got[at] as { missed: number; fill: GapFill };
    // B's journal had every one of them: the row says so, and they follow it in order, each
    // once, before the first move A got live after the gap.
    expect(row.fill).toMatchObject({ complete: true, sampled: 0 });
    // The last move may reach A as B's replayed cursor state instead, which the feed brought.
    expect('filled' in row.fill && row.fill.filled).toBeGreaterThanOrEqual(24);
    console.log(`[feed-gaps] gap of ${row.missed} events of B, fill ${JSON.stringify(row.fill)}`);
    const after = got.slice(at + 1).flatMap((g) => ('x' in g ? [g.x] : []));
    expect(after.slice(0, 25)).toEqual(Array.from({ length: 25 }, (_, i) => before + 1 + i));
    expect(after).toEqual([...new Set(after)].sort((p, q) => p - q));
    expect(after.some((v) => v > lastWhileDown)).toBe(true);
    // Nothing of the gap came before its row.
    expect(got.slice(0, at).every((g) => 'x' in g && g.x <= before)).toBe(true);
  }, 40_000);
});
