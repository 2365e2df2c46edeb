import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/model';
import type { IpcResult, Snapshot } from '../../shared/ipc';
import { control, writeHostConfig } from '../../../test/helpers/host-config';
import { until } from '../../../test/helpers/until';
import { startConsoleHost } from '../../../test/helpers/console-host';
import { ConfigError, loadConfig } from './config';
import { prng } from '../../../test/helpers/prng';
import { parseVms } from './config/parse-vms';
import { WireClient } from '../wire';
import { HostService } from './host-service';
import { type AttachedVmEntry, checkAttachedVm } from './attached-vms';

/** What the configuration file makes of `entry` as `vms[0]`: the config, or `field: detail`. */
function fromFile(entry: AttachedVmEntry, base: string): unknown {
  const { ramFile, ...raw } = entry;
  try {
    return parseVms([{ ...raw, ...(ramFile && { memctx: { ramFile } }) }], base)[0];
  } catch (e) {
    const c = e as ConfigError;
    return `${c.field.replace('vms[0].', '')}: ${c.detail}`;
  }
}

function fromForm(entry: AttachedVmEntry, base: string): unknown {
  try {
    return checkAttachedVm(entry, base);
  } catch (e) {
    const c = e as ConfigError;
    return `${c.field}: ${c.detail}`;
  }
}

describe('an attached VM from the form is checked by the configuration file’s rules', () => {
  const base = '/etc/vmsig';
  const vm = (extra: Partial<AttachedVmEntry>): AttachedVmEntry => ({
    id: 2,
    name: 'box',
    qmp: '/run/vm2.qmp',
    ...extra,
  });
  const cases: AttachedVmEntry[] = [
    vm({}),
    vm({ vnc: '/run/vm2.vnc', serial: '/run/vm2.serial' }),
    vm({ vnc: 'vm2.vnc', serial: 'serial.sock' }),
    vm({ vnc: '127.0.0.1:5901', serial: 'localhost:4555' }),
    vm({ vnc: '[::1]:5901' }),
    vm({ vnc: 'localhost:0' }),
    vm({ vnc: 'host:99999' }),
    vm({ vnc: '' }),
    vm({ serial: 'localhost:0' }),
    vm({ serial: '' }),
    vm({ name: 'a,b' }),
    vm({ name: '' }),
    vm({ id: 0 }),
    vm({ id: 64 }),
    vm({ ramFile: 'vm2.ram' }),
  ];

  it.each(cases.map((c) => [JSON.stringify(c), c]))('%s: the same outcome as in the file', (_, c) => {
    expect(fromForm(c, base)).toEqual(fromFile(c, base));
  });

  it('names the entry’s own field, not a position in a file', () => {
    expect(fromForm(vm({ vnc: 'localhost:0' }), base)).toBe(
      'vnc: "localhost:0" is not host:port with a port 1..65535',
    );
    expect(fromForm(vm({ serial: 'x:99999' }), base)).toMatch(/^serial: /);
    expect(fromForm(vm({ name: 'a,b' }), base)).toMatch(/^name: must not contain commas/);
    expect(fromForm(vm({ id: 64 }), base)).toMatch(/^id: must be an integer 1\.\.63/);
    expect(checkAttachedVm(vm({ vnc: 'vm2.vnc', serial: '127.0.0.1:4555' }), base)).toMatchObject({
      kind: 'attached',
      vnc: { kind: 'unix', path: '/etc/vmsig/vm2.vnc' },
      serial: { kind: 'tcp', host: '127.0.0.1', port: 4555 },
    });
  });
});

describe('odd addresses from the form never throw anything but a ConfigError', () => {
  it('2000 seeded random vnc/serial strings give a config or a ConfigError naming the field', () => {
    const seed = 0x5e41a1;
    const rnd = prng(seed);
    const alphabet = ['a', 'Z', '0', '9', ':', '[', ']', '.', '-', '/', ' ', '\u0000', 'é', '\n', ',', '%'];
    const text = (): string =>
      Array.from(
        { length: Math.floor(rnd() * 24) },
        () => alphabet[Math.floor(rnd() * alphabet.length)],
      ).join('');
    for (let i = 0; i < 2000; i++) {
      const field = rnd() < 0.5 ? 'vnc' : 'serial';
      const entry = { id: 2, name: 'box', qmp: '/run/vm2.qmp', [field]: text() };
      try {
        checkAttachedVm(entry, '/etc/vmsig');
      } catch (e) {
        expect(e, `seed ${seed}, case ${i}: ${JSON.stringify(entry)}`).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).field).toBe(field);
      }
    }
  });
});

describe('vm.addAttached through the console and the gated host operation', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function consoleOnHost() {
    const ch = await startConsoleHost('vmsig-add-attached-');
    cleanups.push(() => ch.stop());
    const { dir, host, svc } = ch;
    const add = (req: Record<string, unknown>): Promise<IpcResult<unknown>> =>
      svc.dispatch('vm.addAttached', { id: 2, name: 'box', qmp: path.join(dir, 'vm2.qmp'), ...req });
    const listed = (): Snapshot['vms'] => svc.snapshot().vms;
    return { dir, host, svc, add, listed };
  }

  it('a bad vnc or serial address comes back INVAL naming that field, and no VM is added', async () => {
    const { add, listed } = await consoleOnHost();
    expect(await add({ vnc: 'localhost:0' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVAL, field: 'vnc', message: expect.stringContaining('localhost:0') },
    });
    expect(await add({ serial: 'box:70000' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVAL, field: 'serial' },
    });
    expect(await add({ qmp: 'relative.qmp' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVAL, field: 'qmp' },
    });
    expect(await add({ name: 'a,b' })).toMatchObject({ ok: false, error: { field: 'name' } });
    expect(listed()).toEqual([]);
  });

  it('a serial socket that is not there is NOENT on the serial field; the VM is not kept, so it can be added again', async () => {
    const { dir, add, listed } = await consoleOnHost();
    const r = await add({ serial: path.join(dir, 'nobody.serial') });
    expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.NOENT, field: 'serial' } });
    expect(r.ok || r.error.message).toContain('-serial unix:PATH,server=on,wait=off');
    expect(listed()).toEqual([]);
    expect(await add({})).toEqual({ ok: true, value: { id: 2 } });
    expect(listed()).toMatchObject([{ id: 2, kind: 'attached', serialPath: null, vnc: null }]);
  });

  it('a serial path QEMU could not serve (a NUL byte, longer than a socket address) fails that add alone', async () => {
    const { dir, add, listed } = await consoleOnHost();
    for (const serial of [`${dir}/a\u0000b`, `${dir}/${'x'.repeat(200)}.sock`]) {
      const r = await add({ serial });
      expect(r, serial).toMatchObject({ ok: false, error: { field: 'serial' } });
    }
    expect(listed()).toEqual([]);
    expect(await add({})).toEqual({ ok: true, value: { id: 2 } });
  });

  it('a VM added with vnc and serial has its screen and serial pane: the port’s bytes are read', async () => {
    const { dir, svc, add, listed } = await consoleOnHost();
    const serialPath = path.join(dir, 'vm2.serial.sock');
    const peers: net.Socket[] = [];
    const server = net.createServer((s) => {
      peers.push(s);
      s.write('VMSIG-FORM-SERIAL hello\r\n');
    });
    await new Promise<void>((r) => server.listen(serialPath, r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const p of peers) p.destroy();
          server.close(() => r());
        }),
    );
    expect(await add({ vnc: path.join(dir, 'vm2.vnc'), serial: serialPath })).toEqual({
      ok: true,
      value: { id: 2 },
    });
    const [vm] = listed();
    expect(vm).toMatchObject({ id: 2, name: 'box', kind: 'attached', vnc: '/vnc/2' });
    expect(vm!.serialPath).not.toBeNull();
    let text = '';
    await until(
      async () => {
        const r = await svc.dispatch('serial.read', { id: 2, since: 0 });
        if (r.ok) text = Buffer.from((r.value as { base64: string }).base64, 'base64').toString();
        return text.includes('VMSIG-FORM-SERIAL hello');
      },
      5000,
      'the serial port’s bytes through serial.read',
      50,
    );
  });
});

describe('vm.add and vm.edit over the control socket (host requests) take the same fields by the same rules', () => {
  it('refuses a bad serial address naming it, and attaches with vnc and serial as the file spells them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-add-attached-wire-'));
    // A real file: vm.add appends to it, as vm.edit rewrites it.
    const config = loadConfig(
      writeHostConfig(dir, { vms: [], controls: [control('operator', 1, 'op-token', ['OBSERVE', 'HOST'])] }),
    );
    const host = await HostService.start({ config, log: () => {}, runtimeDir: path.join(dir, 'vms') });
    const client = await WireClient.connect(config.socket);
    try {
      await client.hello('op-token', 'add-attached-test');
      const qmp = path.join(dir, 'vm3.qmp');
      expect(
        await client.hostRequest('vm.add', { vm: 3, name: 'wired', qmp, serial: 'localhost:0' }),
      ).toMatchObject({ ok: false, err: 'INVAL', message: expect.stringContaining('serial: "localhost:0"') });
      expect(host.vms()).toEqual([]);
      expect(
        await client.hostRequest('vm.add', { vm: 3, name: 'wired', qmp, vnc: '127.0.0.1:5903' }),
      ).toEqual({ ok: true, result: { vm: 3 } });
      expect(host.vms()).toMatchObject([{ id: 3, kind: 'attached', vnc: { kind: 'tcp', port: 5903 } }]);
      // vm.edit with `attached` re-attaches it by the same rules.
      expect(await client.hostRequest('vm.edit', { vm: 3, attached: { qmp, vnc: 'box:0' } })).toMatchObject({
        ok: false,
        err: 'INVAL',
        message: expect.stringContaining('vnc: "box:0"'),
      });
      expect(
        await client.hostRequest('vm.edit', { vm: 3, name: 'rewired', attached: { qmp, vnc: '[::1]:5904' } }),
      ).toEqual({ ok: true, result: { vm: 3 } });
      expect(host.vms()).toMatchObject([
        { id: 3, name: 'rewired', vnc: { kind: 'tcp', host: '::1', port: 5904 } },
      ]);
      expect(await client.hostRequest('vm.edit', { vm: 3, attached: { qmp, layout: 'de' } })).toMatchObject({
        ok: false,
        err: 'INVAL',
      });
    } finally {
      await client.close();
      await host.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
