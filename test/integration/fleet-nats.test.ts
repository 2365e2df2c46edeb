/*
 * The fleet over a real nats-server on loopback (docs/fleet.md): host B (a real tiny guest)
 * and host A (no VMs) each bridge their core; the CLI as NATS user alice types into B's VM
 * under B's INPUT lease (seen on the guest's serial port); bob, without B's grant for that
 * VM, is refused by B; a killed client's lease on B goes within 2 s; with nats-server
 * stopped B still serves its Unix socket, and its bridge replays state when NATS returns.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBridge } from '../../src/main/fleet';
import { loadConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { WireClient } from '../../src/main/wire';
import { Kind, LeaseClass, decodeLeaseStatus, encodeLeaseReq } from '../../src/shared/model';
import { GUEST_READY, ensureGuest } from '../helpers/guest';
import { control, managedVm, writeHostConfig } from '../helpers/host-config';
import { NatsServer, clientUser, hostUser, natsServerBin } from '../helpers/nats-server';
import { until, untilFileHas } from '../helpers/until';
import { type Run, VMSIG_BIN, runUntil, runVmsig } from '../helpers/vmsig-cli';

const guest = ensureGuest();
const OP_TOKEN = 'fleet-operator-b';
const PW = { a: 'pw-host-a', b: 'pw-host-b', alice: 'pw-alice', bob: 'pw-bob' };

describe.skipIf(!guest.ok || !natsServerBin())('fleet over NATS: two hosts on one nats-server', () => {
  let dir: string;
  let nats: NatsServer;
  const hosts: HostService[] = [];
  const bridges: FleetBridge[] = [];
  let serial: string;
  const logB: string[] = [];

  const asUser = (user: 'alice' | 'bob', host: string, args: string[]): Promise<Run> =>
    runVmsig(['--nats', nats.url, '--host', host, ...args], {
      VMSIG_NATS_USER: user,
      VMSIG_NATS_PASSWORD: PW[user],
      VMSIG_TOKEN: '',
    });

  /** Who holds INPUT on B's VM 1, asked on B's own Unix socket. */
  async function inputOwner(): Promise<number> {
    const c = await WireClient.connect(hosts[1]!.socketPath);
    try {
      await c.hello(OP_TOKEN, 'probe');
      const r = await c.request({
        kind: Kind.CMD_LEASE_STATUS,
        endpoint: 1,
        inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }),
      });
      return decodeLeaseStatus(r.inln).ownerPrincipal;
    } finally {
      await c.close();
    }
  }

  async function startHost(name: 'a' | 'b', vms: unknown[]): Promise<void> {
    const hdir = path.join(dir, name);
    fs.mkdirSync(hdir);
    fs.writeFileSync(path.join(hdir, 'nats.pw'), PW[name], { mode: 0o600 });
    const cfg = writeHostConfig(hdir, {
      vms,
      journal: false,
      controls: [
        control('operator', 1, name === 'b' ? OP_TOKEN : 'fleet-operator-a', ['OBSERVE', 'INPUT', 'VM'], {
          leasePrio: 10,
          console: true,
        }),
        control('alice-ctl', 5, `alice-unused-${name}`, ['OBSERVE', 'INPUT', 'VM'], { leasePrio: 5 }),
        control('bob-ctl', 6, `bob-unused-${name}`, ['OBSERVE', 'INPUT'], { endpoints: [2], leasePrio: 6 }),
      ],
      nats: {
        url: nats.url,
        host: name,
        user: `host-${name}`,
        passwordFile: 'nats.pw',
        users: { alice: 'alice-ctl', bob: 'bob-ctl' },
      },
    });
    const config = loadConfig(cfg);
    const log = (_l: string, m: string): void => void (name === 'b' && logB.push(m));
    const host = await HostService.start({ config, log, runtimeDir: path.join(hdir, 'vms') });
    hosts.push(host);
    bridges.push(
      FleetBridge.start({
        config: config.nats!,
        core: host.core,
        clock: HostService.clock,
        log,
        hostRequests: host.hostRequests,
        vms: () => host.vms().map((v) => ({ id: v.id, name: v.name, state: v.state })),
      }),
    );
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-'));
    nats = await NatsServer.start(dir, [
      hostUser('a', PW.a),
      hostUser('b', PW.b),
      clientUser('alice', PW.alice),
      clientUser('bob', PW.bob),
    ]);
    await startHost('a', []);
    await startHost('b', [managedVm(1, 'b-guest')]);
    serial = hosts[1]!.vms()[0]!.serialPath!;
    await untilFileHas(serial, GUEST_READY, 90_000);
    await until(() => bridges.every((b) => b.connected), 10_000, 'both bridges connected', 50);
  }, 120_000);

  afterAll(async () => {
    for (const b of bridges) await b.stop();
    for (const h of hosts) await h.stop();
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("alice types into B's VM over NATS under B's INPUT lease; the guest echoes it on serial", async () => {
    const status = await runUntil(
      () => asUser('alice', 'b', ['vm', 'status', '--vm', '1']),
      (r) => r.code === 0,
      20_000,
      'VM 1 status over NATS',
    );
    expect(status.out).toMatch(/^VM 1: RUNNING/);
    const r = await asUser('alice', 'b', [
      'input',
      'type',
      'echo FLEET-MARK-$((6*7)) > /dev/ttyS0\n',
      '--vm',
      '1',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    await untilFileHas(serial, 'FLEET-MARK-42', 20_000);
    // Host A has no VM 1: the same user, the same CLI, a different host's core answers.
    const onA = await asUser('alice', 'a', ['input', 'type', 'x', '--vm', '1']);
    expect(onA.code).toBe(1);
    // No host of that name on the bus: an immediate error, not a hang.
    const none = await asUser('alice', 'nosuch', ['vm', 'status', '--vm', '1']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/nosuch/);
  }, 60_000);

  it('bob, whose control on B has no grant for VM 1, is refused by B (GRANT), and the guest sees nothing', async () => {
    const r = await asUser('bob', 'b', ['input', 'type', 'echo BOB-WAS-HERE > /dev/ttyS0\n', '--vm', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/GRANT/);
    await new Promise((res) => setTimeout(res, 1000));
    expect(fs.readFileSync(serial, 'utf8')).not.toContain('BOB-WAS-HERE');
  }, 30_000);

  it("killing the client's process revokes its lease on B within 2 s", async () => {
    const child = spawn(
      process.execPath,
      [VMSIG_BIN, '--nats', nats.url, '--host', 'b', 'lease', 'acquire', 'INPUT', '--vm', '1', '--hold'],
      { env: { ...process.env, VMSIG_NATS_USER: 'alice', VMSIG_NATS_PASSWORD: PW.alice } },
    );
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('granted'), 15_000, 'lease granted over NATS', 50);
    expect(await inputOwner()).toBe(5);
    process.kill(child.pid!, 'SIGKILL');
    const t0 = Date.now();
    await exited;
    await until(async () => (await inputOwner()) === 0, 4000, 'the lease revoked', 50);
    const took = Date.now() - t0;
    expect(took).toBeLessThan(2000);
  }, 30_000);

  it('with nats-server stopped B serves its socket and a cut-off client loses its lease on B within 2 s; when NATS returns the bridge replays state', async () => {
    const child = spawn(
      process.execPath,
      [VMSIG_BIN, '--nats', nats.url, '--host', 'b', 'lease', 'acquire', 'INPUT', '--vm', '1', '--hold'],
      { env: { ...process.env, VMSIG_NATS_USER: 'alice', VMSIG_NATS_PASSWORD: PW.alice } },
    );
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('granted'), 15_000, 'lease granted over NATS', 50);
    expect(await inputOwner()).toBe(5);
    await nats.stop();
    // The client is alive but cut off: B hears no heartbeat and revokes the lease.
    const t0 = Date.now();
    await until(async () => (await inputOwner()) === 0, 4000, 'the cut-off lease revoked', 50);
    expect(Date.now() - t0).toBeLessThan(2000);
    if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
    await exited;
    await until(() => !bridges[1]!.connected, 5000, 'bridge B to notice', 50);
    const local = await runVmsig(['vm', 'status', '--vm', '1', '--socket', hosts[1]!.socketPath], {
      VMSIG_TOKEN: OP_TOKEN,
    });
    expect(local.code).toBe(0);
    expect(local.out).toMatch(/^VM 1: RUNNING/);
    const replays = logB.filter((m) => m.startsWith('fleet: feed replays')).length;
    await nats.restart();
    await until(() => bridges[1]!.connected, 15_000, 'bridge B reconnected', 50);
    // On its return the feed re-subscribed: B's state (seams, lifecycle) goes out again.
    await until(
      () => logB.filter((m) => /^fleet: feed replays [1-9]\d* state events/.test(m)).length > replays,
      5000,
      "B's state replayed on the feed",
      50,
    );
    // A fleet watcher sees B's live events again.
    const nc = await connect({
      servers: nats.url,
      user: 'alice',
      pass: PW.alice,
      inboxPrefix: '_INBOX_alice',
    });
    try {
      const seen: string[] = [];
      nc.subscribe('vmsig.b.evt.1.>', { callback: (_e, m) => void seen.push(m.subject) });
      await nc.flush();
      const typed = await asUser('alice', 'b', [
        'input',
        'type',
        'echo AFTER-NATS > /dev/ttyS0\n',
        '--vm',
        '1',
      ]);
      expect(typed.code).toBe(0);
      await untilFileHas(serial, 'AFTER-NATS', 20_000);
      await until(() => seen.some((s) => s.endsWith('.CMD_ACQUIRE')), 5000, 'live events on the feed', 50);
    } finally {
      await nc.close();
    }
    const again = await runUntil(
      () => asUser('alice', 'b', ['vm', 'status', '--vm', '1']),
      (r) => r.code === 0,
      10_000,
      'VM 1 status over NATS after the restart',
    );
    expect(again.out).toMatch(/^VM 1: RUNNING/);
  }, 60_000);
});
