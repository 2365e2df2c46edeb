import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/model';
import type { IpcResult } from '../../shared/ipc';
import { type ConsoleHost, startConsoleHost } from '../../../test/helpers/console-host';

/** A Unix or TCP listener standing in for a serial port QEMU serves. */
async function listener(at: string | number): Promise<{ address: string; close(): Promise<void> }> {
  const peers: net.Socket[] = [];
  const server = net.createServer((s) => void peers.push(s));
  await new Promise<void>((r) =>
    typeof at === 'string' ? server.listen(at, r) : server.listen(0, '127.0.0.1', r),
  );
  const a = server.address();
  return {
    address: typeof a === 'string' ? a : `127.0.0.1:${a!.port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const p of peers) p.destroy();
        server.close(() => r());
      }),
  };
}

describe('editing an attached VM in the console: its settings round-trip', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });
  async function start(vms: unknown[] = []): Promise<ConsoleHost> {
    const ch = await startConsoleHost('vmsig-edit-attached-', vms);
    cleanups.push(() => ch.stop());
    return ch;
  }
  const settings = async (ch: ConsoleHost, id: number): Promise<unknown> => {
    const r = await ch.svc.dispatch('vm.settings', { id });
    return r.ok ? r.value : r.error;
  };
  const edit = (ch: ConsoleHost, req: Record<string, unknown>): Promise<IpcResult<unknown>> =>
    ch.svc.dispatch('vm.editAttached', req);

  it('what the form added comes back as typed, saves unchanged, and an edit replaces display and serial', async () => {
    const ch = await start();
    const serial = await listener(path.join(ch.dir, 'vm2.serial'));
    cleanups.push(serial.close);
    const typed = {
      id: 2,
      name: 'box',
      qmp: path.join(ch.dir, 'vm2.qmp'),
      vnc: path.join(ch.dir, 'vm2.vnc'),
    };
    expect(await ch.svc.dispatch('vm.addAttached', { ...typed, serial: serial.address })).toMatchObject({
      ok: true,
    });
    const first = {
      name: 'box',
      managed: null,
      attached: { qmp: typed.qmp, vnc: typed.vnc, serial: serial.address },
    };
    expect(await settings(ch, 2)).toEqual(first);
    expect(await edit(ch, { id: 2, name: 'box', ...first.attached })).toEqual({ ok: true, value: { id: 2 } });
    expect(await settings(ch, 2)).toEqual(first);
    expect(ch.svc.snapshot().vms).toMatchObject([{ id: 2, vnc: '/vnc/2', serialPath: expect.any(String) }]);

    expect(await edit(ch, { id: 2, name: 'box2', qmp: typed.qmp, vnc: '[::1]:5902' })).toMatchObject({
      ok: true,
    });
    expect(await settings(ch, 2)).toEqual({
      name: 'box2',
      managed: null,
      attached: { qmp: typed.qmp, vnc: '[::1]:5902' },
    });
    expect(ch.svc.snapshot().vms).toMatchObject([{ id: 2, name: 'box2', serialPath: null, vnc: '/vnc/2' }]);
  });

  it('an edit the file’s rules refuse names its field and leaves the VM as it was', async () => {
    const ch = await start();
    const qmp = path.join(ch.dir, 'vm2.qmp');
    expect(
      await ch.svc.dispatch('vm.addAttached', { id: 2, name: 'box', qmp, vnc: '127.0.0.1:5901' }),
    ).toMatchObject({
      ok: true,
    });
    expect(await edit(ch, { id: 2, name: 'box', qmp, vnc: 'box:0' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVAL, field: 'vnc' },
    });
    expect(await edit(ch, { id: 2, name: 'a,b', qmp })).toMatchObject({
      ok: false,
      error: { field: 'name' },
    });
    expect(await settings(ch, 2)).toEqual({
      name: 'box',
      managed: null,
      attached: { qmp, vnc: '127.0.0.1:5901' },
    });
    expect(await edit(ch, { id: 9, name: 'x', qmp })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOENT },
    });
  });

  it('a VM the file lists is rewritten there: its display and serial change, its RAM file and layout stay', async () => {
    const ch = await start([
      { id: 3, name: 'filed', qmp: 'vm3.qmp', vnc: 'vm3.vnc', memctx: { ramFile: 'vm3.ram' }, layout: 'de' },
    ]);
    const serial = await listener(0);
    cleanups.push(serial.close);
    const qmp = path.join(ch.dir, 'vm3.qmp');
    expect(await settings(ch, 3)).toEqual({
      name: 'filed',
      managed: null,
      attached: { qmp, vnc: path.join(ch.dir, 'vm3.vnc') },
    });
    expect(await edit(ch, { id: 3, name: 'filed2', qmp, serial: serial.address })).toMatchObject({
      ok: true,
    });
    const doc = JSON.parse(fs.readFileSync(ch.file, 'utf8')) as { vms: unknown[] };
    expect(doc.vms).toEqual([
      { id: 3, name: 'filed2', qmp, memctx: { ramFile: 'vm3.ram' }, layout: 'de', serial: serial.address },
    ]);
    expect(ch.host.vms()).toMatchObject([
      { id: 3, name: 'filed2', layout: 'de', vnc: null, ramFile: path.join(ch.dir, 'vm3.ram') },
    ]);
    expect(ch.host.vms()[0]!.serialPath).not.toBeNull();
  });
});
