/*
 * Issue 14's fleet on one machine: a nats-server and three `vmsig serve` hosts (a, b, c;
 * separate processes, each with its own config, socket, journal and tiny guest) on
 * loopback. NATS user alice (an operator at host A, through the CLI) has a control on
 * every host; bob has none for VM 1. Each host stays the only arbiter of its own leases.
 * The hosts boot once for the file; the last test kills host b.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEvents, maskOf } from '../../src/main/core';
import { WireClient } from '../../src/main/wire';
import { Kind } from '../../src/shared/model';
import { GUEST_READY, ensureGuest } from '../helpers/guest';
import { NatsServer, clientUser, hostUser, natsClient, natsServerBin } from '../helpers/nats-server';
import { type ServeHost, startServeHost } from '../helpers/serve-host';
import { until, untilFileHas } from '../helpers/until';
import { type Run, runUntil, runVmsig } from '../helpers/vmsig-cli';
import {
  ALICE_PRINCIPAL,
  type HostName,
  type Holder,
  NAMES,
  PW,
  Sightings,
  holdLease,
  hostConfig,
  inputOwner,
  opToken,
} from '../helpers/fleet-harness';

const guest = ensureGuest();

describe.skipIf(!guest.ok || !natsServerBin())(
  'a fleet of three vmsig serve hosts on one nats-server',
  () => {
    let dir: string;
    let nats: NatsServer;
    const hosts = {} as Record<HostName, ServeHost>;
    /** Alice's view from host A: presence of every host and B's VM 1 events on the fleet feed. */
    let watcher: NatsConnection;
    const seen = new Sightings<string>();
    /** An observer on B's own Unix socket (B's operator control), every event of VM 1. */
    let observerB: WireClient;
    const observedB = new Sightings<number>();

    const serialOf = (h: HostName): string => fs.readFileSync(hosts[h].serial(1), 'utf8');
    const asUser = (user: 'alice' | 'bob', host: string, args: string[]): Promise<Run> =>
      runVmsig(['--nats', nats.url, '--host', host, ...args], {
        VMSIG_NATS_USER: user,
        VMSIG_NATS_PASSWORD: PW[user],
        VMSIG_TOKEN: '',
      });
    const locally = (h: HostName, args: string[]): Promise<Run> =>
      runVmsig([...args, '--socket', hosts[h].socket], { VMSIG_TOKEN: opToken(h) });
    const journal = (h: HostName, kind: string): Promise<Run> =>
      runVmsig(['journal', '--dir', hosts[h].journal, '--kind', kind, '--vm', '1', '--format', 'jsonl']);
    const logLines = (h: HostName, re: RegExp): number =>
      hosts[h]
        .log()
        .split('\n')
        .filter((l) => re.test(l)).length;

    const ownerOn = (h: HostName): Promise<number> => inputOwner(hosts[h].socket, opToken(h));
    const holders: Holder[] = [];
    const hold = async (h: HostName): Promise<Holder> => {
      const x = await holdLease(nats.url, h);
      holders.push(x);
      return x;
    };

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet3-'));
      nats = await NatsServer.start(dir, [
        ...NAMES.map((h) => hostUser(h, PW[h])),
        clientUser('alice', PW.alice),
        clientUser('bob', PW.bob),
      ]);
      const started = Date.now();
      // The three hosts and their guests boot side by side.
      await Promise.all(
        NAMES.map(async (h) => {
          fs.mkdirSync(path.join(dir, h));
          fs.writeFileSync(path.join(dir, h, 'nats.pw'), PW[h], { mode: 0o600 });
          hosts[h] = await startServeHost(path.join(dir, h), hostConfig(h, nats.url));
        }),
      );
      await Promise.all(NAMES.map((h) => untilFileHas(hosts[h].serial(1), GUEST_READY, 150_000)));
      console.info(`[fleet-hosts] three hosts and guests up in ${Date.now() - started} ms`);
      await until(
        () => NAMES.every((h) => hosts[h].log().includes('fleet: connected to')),
        15_000,
        'every host on the bus',
        50,
      );
      watcher = await natsClient(nats.url, 'alice', PW.alice, { reconnectForever: true });
      const record = (_e: unknown, m: { subject: string }): void => seen.add(m.subject);
      watcher.subscribe('vmsig.*.up', { callback: record });
      watcher.subscribe('vmsig.b.evt.1.>', { callback: record });
      await watcher.flush();
      observerB = await WireClient.connect(hosts.b.socket);
      await observerB.hello(opToken('b'), 'observer-b');
      observerB.onEvent((ev) => observedB.add(ev.kind));
      observerB.subscribe(allEvents(maskOf([1])));
      await observerB.ping();
    }, 240_000);

    afterAll(async () => {
      // A failed test may leave its lease holder running: stopped by its PID.
      for (const x of holders) if (x.running()) process.kill(x.pid, 'SIGKILL');
      await observerB?.close().catch(() => {});
      await watcher?.close().catch(() => {});
      await Promise.all(Object.values(hosts).map((h) => h.stop()));
      await nats?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it("alice (a control of A) types into B's VM under B's INPUT lease: B's guest shows it, A's and C's do not, B's journal names her", async () => {
      const status = await runUntil(
        () => asUser('alice', 'b', ['vm', 'status', '--vm', '1']),
        (r) => r.code === 0,
        20_000,
        "B's VM 1 status over NATS",
      );
      expect(status.out).toMatch(/^VM 1: RUNNING/);
      const r = await asUser('alice', 'b', [
        'input',
        'type',
        'echo FLEET-B-$((6*7)) > /dev/ttyS0\n',
        '--vm',
        '1',
      ]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      await untilFileHas(hosts.b.serial(1), 'FLEET-B-42', 20_000);
      expect(serialOf('a')).not.toContain('FLEET-B');
      expect(serialOf('c')).not.toContain('FLEET-B');
      // B granted the lease (its observer saw it) and B's own journal names alice's control over
      // NATS as the one who asked; A's journal knows nothing of it.
      expect(observedB.firstAfter(Kind.LEASE_GRANTED, 0)).not.toBeNull();
      const asked = (l: string): boolean =>
        l.includes('"control":"alice-ctl@nats:alice/vmsig input"') && l.includes('"refused":null');
      await runUntil(
        () => journal('b', 'CMD_ACQUIRE'),
        (j) => j.out.split('\n').some(asked),
        10_000,
        "alice's INPUT acquire in B's journal",
      );
      expect((await journal('a', 'CMD_ACQUIRE')).out).not.toContain('alice');
      // No host of that name on the bus: an immediate error naming it, not a hang.
      const none = await asUser('alice', 'nosuch', ['vm', 'status', '--vm', '1']);
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/host nosuch is unreachable/);
    }, 90_000);

    it('bob, whose control on B has no grant for VM 1, is refused by B (GRANT) and B’s guest sees nothing', async () => {
      const r = await asUser('bob', 'b', ['input', 'type', 'echo BOB-WAS-HERE > /dev/ttyS0\n', '--vm', '1']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/GRANT/);
      await runUntil(
        () => journal('b', 'CMD_ACQUIRE'),
        (j) =>
          j.out.split('\n').some((l) => l.includes('bob-ctl@nats:bob') && l.includes('"refused":"GRANT"')),
        10_000,
        "bob's refusal in B's journal",
      );
      // Whatever bob sent would reach the guest before what B's operator types after it.
      const local = await locally('b', ['input', 'type', 'echo AFTER-BOB > /dev/ttyS0\n', '--vm', '1']);
      expect(local.code).toBe(0);
      await untilFileHas(hosts.b.serial(1), 'AFTER-BOB', 20_000);
      expect(serialOf('b')).not.toContain('BOB-WAS-HERE');
    }, 60_000);

    it("SIGKILL of the process holding B's INPUT lease revokes it on B within 2 s; B's observers and the fleet feed see LEASE_REVOKED", async () => {
      const holder = await hold('b');
      expect(await ownerOn('b')).toBe(ALICE_PRINCIPAL);
      const t0 = performance.now();
      process.kill(holder.pid, 'SIGKILL');
      await holder.exited;
      await until(() => observedB.firstAfter(Kind.LEASE_REVOKED, t0) !== null, 4000, 'B observer', 10);
      const took = observedB.firstAfter(Kind.LEASE_REVOKED, t0)! - t0;
      console.info(`[fleet-hosts] SIGKILL of the holder → LEASE_REVOKED on B: ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(2000);
      expect(await ownerOn('b')).toBe(0);
      await until(() => seen.firstAfter('vmsig.b.evt.1.LEASE_REVOKED', t0) !== null, 2000, 'feed at A', 10);
    }, 60_000);

    it('with nats-server stopped every host works locally (socket, VM) and a cut-off lease goes within 2 s; when it returns remote work and the feed resume', async () => {
      const holder = await hold('c');
      expect(await ownerOn('c')).toBe(ALICE_PRINCIPAL);
      const replays = logLines('b', /fleet: feed replays [1-9]\d* state events/);
      await nats.stop();
      // alice's CLI is cut off (its fin cannot reach C either): C hears no heartbeat and revokes her lease.
      const t0 = performance.now();
      await until(async () => (await ownerOn('c')) === 0, 4000, 'the cut-off lease on C revoked', 50);
      const took = performance.now() - t0;
      console.info(`[fleet-hosts] nats-server stopped → cut-off lease on C revoked: ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(2000);
      // The CLI itself says it lost the bus, and fails.
      expect(await holder.exited).toBe(1);
      expect(holder.out()).toMatch(/lost the NATS server nats:\/\/127\.0\.0\.1:\d+: host c is out of reach/);
      await until(
        () => NAMES.every((h) => hosts[h].log().includes('fleet: lost')),
        5000,
        'every bridge to notice',
        50,
      );
      // Each host's socket and VM, without NATS: status, and typing that its guest echoes.
      await Promise.all(
        NAMES.map(async (h) => {
          const st = await locally(h, ['vm', 'status', '--vm', '1']);
          expect(st.out).toMatch(/^VM 1: RUNNING/);
          const typed = await locally(h, [
            'input',
            'type',
            `echo LOCAL-${h.toUpperCase()}-OK > /dev/ttyS0\n`,
            '--vm',
            '1',
          ]);
          expect(typed.code).toBe(0);
          await untilFileHas(hosts[h].serial(1), `LOCAL-${h.toUpperCase()}-OK`, 30_000);
        }),
      );
      const down = await asUser('alice', 'b', ['vm', 'status', '--vm', '1']);
      expect(down.code).toBe(1);
      expect(down.err).toMatch(/cannot connect/);

      const back = performance.now();
      await nats.restart();
      await until(
        () => NAMES.every((h) => hosts[h].log().includes('fleet: reconnected to')),
        15_000,
        'every bridge back on the bus',
        50,
      );
      // On its return B's feed replays its state (seams, lifecycle) before live events.
      await until(
        () => logLines('b', /fleet: feed replays [1-9]\d* state events/) > replays,
        5000,
        "B's state replayed on the feed",
        50,
      );
      await until(
        () => NAMES.every((h) => seen.firstAfter(`vmsig.${h}.up`, back) !== null),
        5000,
        'presence of every host at A again',
        50,
      );
      const typed = await runUntil(
        () => asUser('alice', 'b', ['input', 'type', 'echo AFTER-NATS > /dev/ttyS0\n', '--vm', '1']),
        (r) => r.code === 0,
        10_000,
        'alice typing into B again',
      );
      expect(typed.err).toBe('');
      await untilFileHas(hosts.b.serial(1), 'AFTER-NATS', 20_000);
      await until(
        () => seen.firstAfter('vmsig.b.evt.1.CMD_ACQUIRE', back) !== null,
        5000,
        "B's live events on the feed at A",
        50,
      );
    }, 120_000);

    it('killing host B: its presence stops and a CLI on A holding a session with B reports B unreachable within 2 s; A and C carry on', async () => {
      const holder = await hold('b');
      const t0 = performance.now();
      await hosts.b.kill();
      const killed = performance.now();
      await until(() => /unreachable/.test(holder.out()), 4000, 'the CLI on A to report B unreachable', 10);
      const took = performance.now() - t0;
      console.info(
        `[fleet-hosts] SIGKILL of host B → CLI on A reports it unreachable: ${took.toFixed(0)} ms`,
      );
      expect(took).toBeLessThan(2000);
      expect(await holder.exited).toBe(1);
      expect(holder.out()).toMatch(/host b is unreachable: it left the NATS bus/);
      // A new command from A: refused at once, naming B.
      const r = await asUser('alice', 'b', ['vm', 'status', '--vm', '1']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/host b is unreachable/);
      // Presence: A and C keep announcing themselves, B is silent.
      await new Promise((res) => setTimeout(res, 1500));
      const after = (h: HostName): number => seen.countAfter(`vmsig.${h}.up`, killed + 100);
      expect(after('a')).toBeGreaterThan(0);
      expect(after('c')).toBeGreaterThan(0);
      expect(after('b')).toBe(0);
      const c = await asUser('alice', 'c', ['vm', 'status', '--vm', '1']);
      expect(c.out).toMatch(/^VM 1: RUNNING/);
      // The QEMU host B left is stopped as a restarted host would (ServeHost.stop in afterAll).
    }, 60_000);
  },
);
