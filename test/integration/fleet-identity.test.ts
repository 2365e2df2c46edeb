/*
 * Who a fleet session is, and when the host joins at all (docs/fleet.md §3), without a
 * guest: `vmsig serve --nats URL` joins with its nkey and answers over NATS; a CLI
 * authenticates with a password or an nkey seed file, and a wrong key is refused clearly;
 * the NATS user is the identity whatever token HELLO carries; the nats-server stops a user
 * from speaking on another user's subjects; a server without authentication is never joined.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBridge } from '../../src/main/fleet';
import { openFleetSession } from '../../src/main/fleet/client-session';
import { loadConfig } from '../../src/main/host/config';
import { Core } from '../../src/main/core';
import { control } from '../helpers/host-config';
import {
  NatsServer,
  clientUser,
  hostUser,
  natsClient,
  natsServerBin,
  nkeyPair,
} from '../helpers/nats-server';
import { type ServeHost, startFleetHostB } from '../helpers/serve-host';
import { until } from '../helpers/until';
import { type Run, runVmsig } from '../helpers/vmsig-cli';

const PW = { alice: 'pw-alice', bob: 'pw-bob' };
const HOST_KEY = nkeyPair();
const CAROL_KEY = nkeyPair();

describe.skipIf(!natsServerBin())('fleet identity and joining', () => {
  let dir: string;
  let nats: NatsServer;
  let serve: ServeHost;
  /** A private file holding `text` in the test's directory. */
  const secretFile = (name: string, text: string, mode = 0o600): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, `${text}\n`, { mode });
    fs.chmodSync(f, mode);
    return f;
  };
  const asCarol = (seedFile: string, args: string[]): Promise<Run> =>
    runVmsig(['--nats', nats.url, '--host', 'b', '--nats-user', 'carol', '--nats-nkey', seedFile, ...args]);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-id-'));
    nats = await NatsServer.start(dir, [
      hostUser('b', { nkey: HOST_KEY.nkey }),
      clientUser('alice', PW.alice),
      clientUser('bob', PW.bob),
      clientUser('carol', { nkey: CAROL_KEY.nkey }),
    ]);
    serve = await startFleetHostB(dir, nats.url, HOST_KEY.seed, {
      controls: [
        control('operator', 1, 'op-token-b', ['OBSERVE', 'INPUT', 'VM', 'HOST'], {
          leasePrio: 10,
          console: true,
        }),
        control('alice-ctl', 5, 'alice-unused', ['OBSERVE'], { leasePrio: 5 }),
        control('carol-ctl', 7, 'carol-unused', ['OBSERVE', 'VM'], { leasePrio: 7 }),
      ],
      users: { alice: 'alice-ctl', carol: 'carol-ctl' },
      // Wrong on purpose: --nats overrides it.
      fileUrl: 'nats://127.0.0.1:1',
    });
  }, 40_000);

  afterAll(async () => {
    await serve?.stop();
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('vmsig serve --nats joins with its nkey: vm list over NATS is answered by its host requests, presence on vmsig.b.up', async () => {
    const nc = await natsClient(nats.url, 'alice', PW.alice);
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

  it("a CLI authenticates with an nkey seed file (--nats-nkey, or $VMSIG_NATS_NKEY) and gets that user's control", async () => {
    const seed = secretFile('carol.nk', CAROL_KEY.seed);
    const r = await asCarol(seed, ['vm', 'list']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const env = await runVmsig(['--nats', nats.url, '--host', 'b', 'vm', 'list'], {
      VMSIG_NATS_USER: 'carol',
      VMSIG_NATS_NKEY: seed,
    });
    expect(env.code).toBe(0);
    const client = await openFleetSession({
      url: nats.url,
      host: 'b',
      user: 'carol',
      nkeySeed: CAROL_KEY.seed,
    });
    try {
      const w = await client.hello('', 'carol');
      expect([w.principal, w.leasePrio]).toEqual([7, 7]);
    } finally {
      await client.close();
    }
  });

  it('a wrong nkey is refused by the nats-server with a clear error; a readable or malformed seed file is refused before connecting', async () => {
    const wrong = await asCarol(secretFile('other.nk', nkeyPair().seed), ['vm', 'list']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/refused NATS user carol: Authorization Violation \(wrong nkey/);
    const open = await asCarol(secretFile('open.nk', CAROL_KEY.seed, 0o644), ['vm', 'list']);
    expect(open.code).toBe(1);
    expect(open.err).toMatch(
      /--nats-nkey: .*open\.nk is accessible by group or others \(mode 0644\); run chmod 600/,
    );
    const pub = await asCarol(secretFile('pub.nk', CAROL_KEY.nkey), ['vm', 'list']);
    expect(pub.code).toBe(1);
    expect(pub.err).toMatch(/does not hold an nkey user seed/);
    const both = await runVmsig([
      ...['--nats', nats.url, '--host', 'b', '--nats-user', 'carol'],
      ...[
        '--nats-nkey',
        path.join(dir, 'carol.nk'),
        '--nats-password-file',
        path.join(dir, 'carol.nk'),
        'vm',
        'list',
      ],
    ]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/exclude each other/);
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

  it("the nats-server stops alice from opening a session on bob's subjects; the host refuses a user it has no control for", async () => {
    const nc = await natsClient(nats.url, 'alice', PW.alice);
    try {
      await expect(
        nc.request('vmsig.b.s.bob.0123456789abcdef.open', new Uint8Array(0), { timeout: 1500 }),
      ).rejects.toThrow();
    } finally {
      await nc.close().catch(() => {});
    }
    await expect(openFleetSession({ url: nats.url, host: 'b', user: 'bob', pass: PW.bob })).rejects.toThrow(
      /AUTH|no control/,
    );
  });

  it('a bridge never joins a server that lets anyone in', async () => {
    const openDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-open-'));
    const open = await NatsServer.start(openDir, [], false);
    const logs: string[] = [];
    const config = loadConfig(path.join(dir, 'b', 'config.json')).nats!;
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
