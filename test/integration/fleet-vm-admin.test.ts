/*
 * `vmsig --nats URL --host NAME vm add|edit|remove` on another host over a real nats-server,
 * without a guest: the host runs them as the NATS user's control (HOST needed, so a user
 * without it is refused PERM) and writes its own configuration file; `vm edit` reads the
 * VM's settings from that host (`vm.settings`), never from a file of the caller's machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control } from '../helpers/host-config';
import { NatsServer, clientUser, hostUser, natsServerBin, nkeyPair } from '../helpers/nats-server';
import { type ServeHost, startFleetHostB } from '../helpers/serve-host';
import { type Run, runVmsig } from '../helpers/vmsig-cli';

const PW = { admin: 'pw-admin', viewer: 'pw-viewer' };
const HOST_KEY = nkeyPair();

describe.skipIf(!natsServerBin())('vm add|edit|remove over NATS', () => {
  let dir = '';
  let nats: NatsServer;
  let serve: ServeHost;
  const as = (user: keyof typeof PW, ...args: string[]): Promise<Run> =>
    runVmsig(['--nats', nats.url, '--host', 'b', ...args], {
      VMSIG_NATS_USER: user,
      VMSIG_NATS_PASSWORD: PW[user],
    });
  const entries = (): unknown[] =>
    (JSON.parse(fs.readFileSync(path.join(serve.dir, 'config.json'), 'utf8')) as { vms: unknown[] }).vms;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-vm-admin-'));
    nats = await NatsServer.start(dir, [
      hostUser('b', { nkey: HOST_KEY.nkey }),
      clientUser('admin', PW.admin),
      clientUser('viewer', PW.viewer),
    ]);
    serve = await startFleetHostB(dir, nats.url, HOST_KEY.seed, {
      controls: [
        control('operator', 1, 'op-token-b', ['OBSERVE', 'HOST'], { console: true }),
        control('admin-ctl', 5, 'admin-unused', ['OBSERVE', 'HOST']),
        control('viewer-ctl', 6, 'viewer-unused', ['OBSERVE']),
      ],
      users: { admin: 'admin-ctl', viewer: 'viewer-ctl' },
    });
  }, 40_000);

  afterAll(async () => {
    await serve?.stop();
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a NATS user without HOST is refused PERM and nothing is written', async () => {
    const r = await as('viewer', 'vm', 'add', '--vm', '3', '--name', 'box', '--qmp', '/run/none/vm3.qmp');
    expect([r.code, r.err.split(' (')[0]]).toEqual([1, 'vm add on VM 3: refused: PERM']);
    expect(entries()).toEqual([]);
  });

  it('add, edit and remove run on host b as the admin user’s control and rewrite b’s file', async () => {
    const qmp = path.join(dir, 'vm3.qmp');
    const add = await as('admin', 'vm', 'add', '--vm', '3', '--name', 'box', '--qmp', qmp);
    expect([add.code, add.err, add.out.trim()]).toEqual([0, '', `VM 3: added box (attached to ${qmp})`]);
    expect((await as('admin', 'vm', 'list')).out.trim()).toBe('VM 3 box: attached (attached)');
    expect(entries()).toEqual([{ id: 3, name: 'box', qmp }]);

    const edit = await as('admin', 'vm', 'edit', '--vm', '3', '--vnc', '127.0.0.1:5903');
    expect([edit.code, edit.err, edit.out.trim()]).toEqual([0, '', 'VM 3: edited box (attached)']);
    expect(entries()).toEqual([{ id: 3, name: 'box', qmp, vnc: '127.0.0.1:5903' }]);

    const remove = await as('admin', 'vm', 'remove', '--vm', '3');
    expect([remove.code, remove.err, remove.out.trim()]).toEqual([0, '', 'VM 3: removed']);
    expect(entries()).toEqual([]);
    expect((await as('admin', 'vm', 'list')).out).toBe('');
  });
});
