/*
 * Who a fleet session is, and when the host joins at all (docs/fleet.md §3), without a
 * guest: `vmsig serve --nats URL` joins and answers over NATS; the NATS user is the
 * identity whatever token HELLO carries; the nats-server stops a user from speaking on
 * another user's subjects; a server without authentication is never joined.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBridge } from '../../src/main/fleet';
import { openFleetSession } from '../../src/main/fleet/client-session';
import { loadConfig } from '../../src/main/host/config';
import { Core } from '../../src/main/core';
import { control, writeHostConfig } from '../helpers/host-config';
import { NatsServer, clientUser, hostUser, natsServerBin } from '../helpers/nats-server';
import { alive } from '../helpers/process';
import { until } from '../helpers/until';
import { VMSIG_BIN, runVmsig } from '../helpers/vmsig-cli';

const PW = { b: 'pw-host-b', alice: 'pw-alice', bob: 'pw-bob' };

describe.skipIf(!natsServerBin())('fleet identity and joining', () => {
  let dir: string;
  let nats: NatsServer;
  let serve: ReturnType<typeof spawn>;
  let cfgFile: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-id-'));
    nats = await NatsServer.start(dir, [
      hostUser('b', PW.b),
      clientUser('alice', PW.alice),
      clientUser('bob', PW.bob),
    ]);
    fs.writeFileSync(path.join(dir, 'nats.pw'), PW.b, { mode: 0o600 });
    cfgFile = writeHostConfig(dir, {
      vms: [],
      journal: false,
      controls: [
        control('operator', 1, 'op-token-b', ['OBSERVE', 'INPUT', 'VM', 'HOST'], {
          leasePrio: 10,
          console: true,
        }),
        control('alice-ctl', 5, 'alice-unused', ['OBSERVE'], { leasePrio: 5 }),
      ],
      // The url here is wrong on purpose: --nats overrides it.
      nats: {
        url: 'nats://127.0.0.1:1',
        host: 'b',
        user: 'host-b',
        passwordFile: 'nats.pw',
        users: { alice: 'alice-ctl' },
      },
    });
    serve = spawn(
      process.execPath,
      [VMSIG_BIN, 'serve', '--config', cfgFile, '--nats', nats.url, '--no-log-file'],
      {
        env: { ...process.env, XDG_STATE_HOME: path.join(dir, 'state') },
      },
    );
    let err = '';
    serve.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await until(() => err.includes('fleet: connected to'), 20_000, 'serve to join the fleet', 50);
  }, 30_000);

  afterAll(async () => {
    if (serve?.pid && alive(serve.pid)) {
      const exited = new Promise((r) => serve.once('exit', r));
      process.kill(serve.pid, 'SIGTERM');
      await exited;
    }
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('vmsig serve --nats joins: vm list over NATS is answered by its host requests, presence on vmsig.b.up', async () => {
    const nc = await connect({
      servers: nats.url,
      user: 'alice',
      pass: PW.alice,
      inboxPrefix: '_INBOX_alice',
    });
    try {
      let up: { host?: string } | null = null;
      nc.subscribe('vmsig.b.up', { callback: (_e, m) => void (up = m.json()) });
      const r = await runVmsig(['--nats', nats.url, '--host', 'b', 'vm', 'list'], {
        VMSIG_NATS_USER: 'alice',
        VMSIG_NATS_PASSWORD: PW.alice,
      });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      await until(() => up !== null, 3000, 'presence', 50);
      expect(up!.host).toBe('b');
    } finally {
      await nc.close();
    }
  });

  it("the NATS user is the identity: the operator's token in HELLO still gets alice's control", async () => {
    const client = await openFleetSession({ url: nats.url, host: 'b', user: 'alice', pass: PW.alice });
    try {
      const w = await client.hello('op-token-b', 'impostor');
      expect([w.principal, w.caps, w.leasePrio]).toEqual([5, 1, 5]);
    } finally {
      await client.close();
    }
  });

  it("the nats-server stops alice from opening a session on bob's subjects", async () => {
    const nc = await connect({
      servers: nats.url,
      user: 'alice',
      pass: PW.alice,
      inboxPrefix: '_INBOX_alice',
    });
    try {
      await expect(
        nc.request('vmsig.b.s.bob.0123456789abcdef.open', new Uint8Array(0), { timeout: 1500 }),
      ).rejects.toThrow();
    } finally {
      await nc.close().catch(() => {});
    }
    // A user the host has no control for is refused by the host itself.
    await expect(openFleetSession({ url: nats.url, host: 'b', user: 'bob', pass: PW.bob })).rejects.toThrow(
      /AUTH|no control/,
    );
  });

  it('a bridge never joins a server that lets anyone in', async () => {
    const openDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-open-'));
    const open = await NatsServer.start(openDir, [], false);
    const logs: string[] = [];
    const config = loadConfig(cfgFile).nats!;
    const bridge = FleetBridge.start({
      config: { ...config, url: open.url },
      core: new Core({ clock: { nowNs: () => 0 } }),
      clock: { nowNs: () => 0 },
      log: (_l, m) => void logs.push(m),
      vms: () => [],
    });
    try {
      await until(
        () => logs.some((m) => m.includes('does not require authentication')),
        5000,
        'the refusal',
        50,
      );
      expect(bridge.connected).toBe(false);
    } finally {
      await bridge.stop();
      await open.stop();
      fs.rmSync(openDir, { recursive: true, force: true });
    }
  });
});
