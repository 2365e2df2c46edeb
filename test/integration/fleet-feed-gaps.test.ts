/*
 * Gaps in another host's feed, on a real nats-server: host B's bridge publishes its core's
 * events, console A's fleet client reads them. While the bus is steady A reports no gap;
 * events B's core had while nats-server was down never reach A, and once the bus is back A
 * reports them as one gap of B (at least as many as B had while down) before B's next event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Log } from '../../src/main/core';
import { FleetBridge, FleetConsole } from '../../src/main/fleet';
import { Kind, Source, type VmsigEvent, decodeCursor, encodeCursor } from '../../src/shared/model';
import { type RigSeam, addSeam, newRig } from '../helpers/core-rig';
import { NatsServer, clientUser, hostUser, natsServerBin } from '../helpers/nats-server';
import { until } from '../helpers/until';

const PW = { b: 'pw-gaps-b', console: 'pw-gaps-console' };

describe.skipIf(!natsServerBin())('gaps in a fleet host feed', () => {
  let dir: string;
  let nats: NatsServer;
  let bridge: FleetBridge;
  let fleet: FleetConsole;
  let sensor: RigSeam;
  /** What console A got from B, in order: cursor x values and gaps. */
  const got: ({ x: number } | { missed: number })[] = [];
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
    sensor = addSeam(rig.core, 1, Source.FRAME);
    bridge = FleetBridge.start({
      config: { url: nats.url, host: 'b', user: 'host-b', password: PW.b, users: new Map() },
      core: rig.core,
      clock: rig.clock,
      log,
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
    fleet.onEvent((host, ev: VmsigEvent) => {
      if (host === 'b' && ev.kind === Kind.CURSOR_STATE) got.push({ x: decodeCursor(ev.inln).x });
    });
    fleet.onGap((host, missed) => {
      if (host === 'b') got.push({ missed });
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

  it("reports what B had while nats-server was down as one gap, before B's next event", async () => {
    await nats.stop();
    await until(() => !bridge.connected, 10_000, 'B to notice the bus is gone', 20);
    const before = x;
    const lastWhileDown = moves(25);
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
    // None of the moves made while the bus was down reached A (the last may come back as
    // B's replayed cursor state, which is state, not the lost events).
    expect(cursorsGot().filter((v) => v > before && v < lastWhileDown)).toEqual([]);
    // The gap row comes before the first event after it.
    const at = got.findIndex((g) => 'missed' in g);
    expect(got.slice(at + 1).some((g) => 'x' in g && g.x > lastWhileDown)).toBe(true);
    expect(got.slice(0, at).every((g) => 'x' in g && g.x <= before)).toBe(true);
  }, 40_000);
});
