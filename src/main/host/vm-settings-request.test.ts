/*
 * The `vm.settings` host request: what `vm.edit` would take back (host paths included), so it
 * is gated exactly as `vm.edit` is — HOST, the endpoint in the grant, the VM exists, in that
 * order (§6) — while `vms` keeps showing no path to anyone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, managedVm, writeHostConfig } from '../../../test/helpers/host-config';
import { WireClient } from '../wire';
import { loadConfig } from './config';
import { HostService } from './host-service';

describe('vm.settings over the control socket', () => {
  let dir = '';
  let host: HostService;
  const ask = async (token: string, args: Record<string, unknown>) => {
    const c = await WireClient.connect(host.socketPath);
    try {
      await c.hello(token, 'vm-settings-test');
      return await c.hostRequest('vm.settings', args);
    } finally {
      await c.close();
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-vm-settings-'));
    const file = writeHostConfig(dir, {
      vms: [
        managedVm(1, 'demo', { memoryMiB: 256, cdrom: 'boot.iso' }),
        { id: 2, name: 'box', qmp: 'vm2.qmp', vnc: '127.0.0.1:5902', memctx: { ramFile: 'vm2.ram' } },
      ],
      controls: [
        control('operator', 1, 'op', ['OBSERVE', 'HOST'], { console: true }),
        control('viewer', 2, 'viewer', ['OBSERVE', 'POWER']),
        control('one', 3, 'one', ['HOST'], { endpoints: [1] }),
      ],
      journal: false,
    });
    host = await HostService.start({
      config: loadConfig(file),
      log: () => {},
      runtimeDir: path.join(dir, 'vms'),
      startManaged: false,
    });
  });
  afterAll(async () => {
    await host?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a managed VM as the host reads it and an attached one as vm.edit takes it', async () => {
    expect(await ask('op', { vm: 1 })).toEqual({
      ok: true,
      result: { vm: 1, name: 'demo', managed: { memoryMiB: 256, cdrom: path.join(dir, 'boot.iso') } },
    });
    expect(await ask('op', { vm: 2 })).toEqual({
      ok: true,
      result: {
        vm: 2,
        name: 'box',
        attached: {
          qmp: path.join(dir, 'vm2.qmp'),
          vnc: '127.0.0.1:5902',
          ramFile: path.join(dir, 'vm2.ram'),
        },
      },
    });
  });

  it('is refused as vm.edit is: PERM without HOST, GRANT outside the grant, NOENT for a missing VM', async () => {
    expect(await ask('viewer', { vm: 1 })).toMatchObject({ ok: false, err: 'PERM' });
    // Outside the grant the answer is GRANT whether the VM exists or not: nothing leaks.
    expect(await ask('one', { vm: 2 })).toMatchObject({ ok: false, err: 'GRANT' });
    expect(await ask('one', { vm: 9 })).toMatchObject({ ok: false, err: 'GRANT' });
    expect(await ask('one', { vm: 1 })).toMatchObject({ ok: true });
    expect(await ask('op', { vm: 9 })).toMatchObject({ ok: false, err: 'NOENT' });
    expect(await ask('op', { vm: 1, path: '/etc' })).toMatchObject({ ok: false, err: 'INVAL' });
    expect(await ask('op', { vm: 'x' })).toMatchObject({ ok: false, err: 'INVAL' });
  });

  it('vms still shows no host path, to the same control', async () => {
    const c = await WireClient.connect(host.socketPath);
    try {
      await c.hello('op', 'vm-settings-test');
      const r = await c.hostRequest('vms');
      expect(JSON.stringify(r)).not.toContain(dir);
    } finally {
      await c.close();
    }
  });
});
