/*
 * An attached VM added from the console's form (or `vm.add`) is written to the configuration
 * file as Edit rewrites it: appended atomically with the file's mode kept and every other
 * entry and field untouched, so a restarted host on the same file attaches it again; a
 * refused or failed add writes nothing, and Remove takes the entry out again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/model';
import { type ConsoleHost, startConsoleHost } from '../../../test/helpers/console-host';
import { loadConfig } from './config';
import { HostService } from './host-service';

const OTHER = { id: 5, name: 'other', qmp: '/run/elsewhere/vm5.qmp', layout: 'de' };

describe('an attached VM added in the console lasts: its entry is written to the file', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });
  async function start(): Promise<ConsoleHost> {
    const ch = await startConsoleHost('vmsig-add-attached-file-', [OTHER]);
    cleanups.push(() => ch.stop());
    return ch;
  }
  const doc = (file: string): { vms: unknown[]; [k: string]: unknown } =>
    JSON.parse(fs.readFileSync(file, 'utf8')) as { vms: unknown[] };

  it('appends the entry as the file spells it, keeping the other entries, the other fields and mode 0600', async () => {
    const ch = await start();
    const before = doc(ch.file);
    const entry = {
      id: 2,
      name: 'box',
      qmp: path.join(ch.dir, 'vm2.qmp'),
      vnc: '127.0.0.1:5902',
    };
    expect(await ch.svc.dispatch('vm.addAttached', entry)).toEqual({ ok: true, value: { id: 2 } });
    // vm.add's RAM file (the form has none) is written as the file spells it: memctx.ramFile.
    const ramFile = path.join(ch.dir, 'vm3.ram');
    await ch.host.addAttachedVm({ id: 3, name: 'ram', qmp: path.join(ch.dir, 'vm3.qmp'), ramFile });
    expect(doc(ch.file)).toEqual({
      ...before,
      vms: [
        OTHER,
        { ...entry },
        { id: 3, name: 'ram', qmp: path.join(ch.dir, 'vm3.qmp'), memctx: { ramFile } },
      ],
    });
    expect(fs.statSync(ch.file).mode & 0o777).toBe(0o600);
    // Atomic: no temporary file is left beside it.
    expect(fs.readdirSync(ch.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a refused or failed add leaves the file byte for byte as it was', async () => {
    const ch = await start();
    const before = fs.readFileSync(ch.file, 'utf8');
    const qmp = path.join(ch.dir, 'vm2.qmp');
    const bad = await ch.svc.dispatch('vm.addAttached', { id: 2, name: 'box', qmp, vnc: 'localhost:0' });
    expect(bad).toMatchObject({ ok: false, error: { code: ErrorCode.INVAL, field: 'vnc' } });
    const gone = path.join(ch.dir, 'nobody.serial');
    const failed = await ch.svc.dispatch('vm.addAttached', { id: 2, name: 'box', qmp, serial: gone });
    expect(failed).toMatchObject({ ok: false, error: { code: ErrorCode.NOENT, field: 'serial' } });
    const used = await ch.svc.dispatch('vm.addAttached', { id: 5, name: 'again', qmp });
    expect(used).toMatchObject({ ok: false, error: { code: ErrorCode.BUSY } });
    expect(fs.readFileSync(ch.file, 'utf8')).toBe(before);
  });

  it('an add whose entry cannot be written is refused and the VM is not kept', async () => {
    const ch = await start();
    // Someone broke the file while the host ran: the host will not write over what it cannot read.
    fs.writeFileSync(ch.file, '{ not json');
    const r = await ch.svc.dispatch('vm.addAttached', {
      id: 2,
      name: 'box',
      qmp: path.join(ch.dir, 'vm2.qmp'),
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVAL, message: expect.stringContaining('cannot rewrite') },
    });
    expect(ch.host.vms().map((v) => v.id)).toEqual([5]);
    expect(fs.readFileSync(ch.file, 'utf8')).toBe('{ not json');
  });

  it('a host restarted on the same file attaches the added VM again; Remove drops it from the file', async () => {
    const ch = await start();
    const qmp = path.join(ch.dir, 'vm2.qmp');
    expect(await ch.svc.dispatch('vm.addAttached', { id: 2, name: 'box', qmp })).toMatchObject({ ok: true });
    ch.svc.stop();
    await ch.host.stop();

    const again = await HostService.start({
      config: loadConfig(ch.file),
      log: () => {},
      runtimeDir: path.join(ch.dir, 'vms'),
    });
    try {
      expect(again.vms().map((v) => [v.id, v.name, v.kind, v.state, v.qmpPath])).toEqual([
        [2, 'box', 'attached', 'attached', qmp],
        [5, 'other', 'attached', 'attached', OTHER.qmp],
      ]);
      expect(again.attachedSettings(2)).toEqual({ id: 2, name: 'box', qmp });
      await again.removeVm(2);
      expect(doc(ch.file).vms).toEqual([OTHER]);
      expect(again.vms().map((v) => v.id)).toEqual([5]);
    } finally {
      await again.stop();
    }
  });
});
