import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, maskOf } from '../../core';
import { ALL_CAPS, Cap } from '../../../shared/model';
import { ConfigError } from './config-error';
import { loadConfig, parseConfig } from './load-config';
import { writeDefaultConfig } from './default-config';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cfg-'));
  dirs.push(d);
  return d;
}

const op = {
  name: 'operator',
  principal: 1,
  token: 'secret',
  caps: ['OBSERVE', 'INPUT'],
  endpoints: 'all',
  leasePrio: 10,
  console: true,
};
const messageOf = (doc: unknown): string => {
  try {
    parseConfig(doc, '/etc/x/config.json', () => 'from-file');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('configuration', () => {
  it('accepts the sample of config.md with every field and its meaning', () => {
    const cfg = parseConfig(
      {
        socket: 'run/control.sock',
        vms: [
          { id: 1, name: 'demo', managed: { memoryMiB: 256 } },
          { id: 2, name: 'build-box', qmp: '/run/user/1000/vm2.qmp', memctx: { ramFile: 'vm2.ram' } },
        ],
        controls: [
          { ...op, caps: ['OBSERVE', 'INPUT', 'LIFECYCLE', 'POWER', 'VM'] },
          {
            name: 'robot',
            principal: 7,
            tokenFile: 'robot.token',
            caps: ['OBSERVE', 'INPUT'],
            endpoints: [1],
            leasePrio: 5,
          },
        ],
      },
      '/etc/x/config.json',
      (file) => (file === '/etc/x/robot.token' ? 'robot-token' : 'wrong'),
    );
    expect(cfg.socket).toBe('/etc/x/run/control.sock');
    expect(cfg.vms).toEqual([
      { kind: 'managed', id: 1, name: 'demo', managed: { memoryMiB: 256 } },
      {
        kind: 'attached',
        id: 2,
        name: 'build-box',
        qmp: '/run/user/1000/vm2.qmp',
        ramFile: '/etc/x/vm2.ram',
      },
    ]);
    expect(cfg.controls[0]!.spec).toEqual({
      name: 'operator',
      principal: 1,
      caps: Cap.OBSERVE | Cap.INPUT | Cap.LIFECYCLE | Cap.POWER | Cap.VM,
      grant: ALL_ENDPOINTS,
      leasePrio: 10,
    });
    expect(cfg.controls[0]!.console).toBe(true);
    expect(cfg.controls[1]).toMatchObject({
      token: 'robot-token',
      tokenSource: '/etc/x/robot.token',
      console: false,
      spec: { grant: maskOf([1]), principal: 7 },
    });
  });

  it('names the field of every mistake', () => {
    expect(
      messageOf({
        controls: [op, { ...op, console: false, token: 't2', caps: ['OBSERVE', 'INPUT', 'OBSRVE'] }],
      }),
    ).toContain('controls[1].caps[2]: unknown capability "OBSRVE"');
    expect(messageOf({ vms: [{ id: 1, name: 'a', managed: {}, colour: 'red' }] })).toContain(
      'vms[0].colour: unknown field',
    );
    expect(messageOf({ sockets: 'x' })).toContain('sockets: unknown field');
    expect(messageOf({ vms: [{ id: 64, name: 'a', qmp: 'q' }] })).toContain(
      'vms[0].id: must be an integer 1..63',
    );
    expect(
      messageOf({
        vms: [
          { id: 3, name: 'a', qmp: 'q' },
          { id: 3, name: 'b', qmp: 'r' },
        ],
      }),
    ).toContain('vms[1].id: 3 is already used by vms[0]');
    expect(messageOf({ vms: [{ id: 3, name: 'a', qmp: 'q', managed: {} }] })).toContain(
      'vms[0]: needs exactly one of "managed"',
    );
    expect(messageOf({ vms: [{ id: 3, name: 'a', managed: { memoryMiB: 8 } }] })).toContain(
      'vms[0].managed.memoryMiB',
    );
    expect(messageOf({ vms: [{ id: 3, name: 'a', managed: {}, memctx: { ramFile: 'x' } }] })).toContain(
      'vms[0].memctx: is only for attached VMs',
    );
    expect(messageOf({ controls: [{ ...op, tokenFile: 'f' }] })).toContain(
      'controls[0]: needs exactly one of "token" or "tokenFile"',
    );
    expect(messageOf({ controls: [{ ...op, principal: 0 }] })).toContain('controls[0].principal');
    expect(messageOf({ controls: [{ ...op, endpoints: [1, 99] }] })).toContain('controls[0].endpoints[1]');
    expect(messageOf({ controls: [{ ...op, leasePrio: -1 }] })).toContain('controls[0].leasePrio');
    expect(messageOf({ controls: [op, { ...op, token: 'other' }] })).toContain(
      'controls[1].console: only one control may be the console',
    );
    expect(messageOf({ controls: [op, { ...op, console: false }] })).toContain(
      'controls[1].token: is the same token as controls[0]',
    );
  });

  it('reads a token file only when no one else can read it', () => {
    const d = tmp();
    const tokenFile = path.join(d, 'robot.token');
    fs.writeFileSync(tokenFile, 'tok-from-file\n', { mode: 0o600 });
    const cfgFile = path.join(d, 'config.json');
    fs.writeFileSync(
      cfgFile,
      JSON.stringify({
        controls: [{ name: 'r', principal: 2, tokenFile: 'robot.token', caps: [], endpoints: [] }],
      }),
    );
    expect(loadConfig(cfgFile).controls[0]!.token).toBe('tok-from-file');
    fs.chmodSync(tokenFile, 0o640);
    expect(() => loadConfig(cfgFile)).toThrow(
      /controls\[0\]\.tokenFile: .*robot\.token is accessible by group or others \(mode 0640\); run chmod 600/,
    );
    fs.chmodSync(tokenFile, 0o604);
    expect(() => loadConfig(cfgFile)).toThrow(/accessible by group or others/);
    fs.rmSync(tokenFile);
    expect(() => loadConfig(cfgFile)).toThrow(/controls\[0\]\.tokenFile: cannot read .*ENOENT/);
  });

  it('reports bad JSON with the file name', () => {
    const f = path.join(tmp(), 'config.json');
    fs.writeFileSync(f, '{ "vms": [ }');
    expect(() => loadConfig(f)).toThrow(new RegExp(`${f} is not valid JSON`));
  });

  it('writes a first-run default: 0600 file in a 0700 directory, an all-caps console control, never overwriting', () => {
    const f = path.join(tmp(), 'fresh', 'vmsig', 'config.json');
    const r = writeDefaultConfig(f, {
      ...process.env,
      VMSIG_QEMU: '/nonexistent/qemu',
      VMSIG_GUEST_DIR: '/nonexistent',
    });
    expect(r.written).toBe(true);
    expect(r.missing.join('\n')).toMatch(/QEMU not found/);
    expect(r.missing.join('\n')).toMatch(/npm run guest/);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
    const cfg = loadConfig(f);
    expect(cfg.vms).toEqual([]);
    expect(cfg.controls).toHaveLength(1);
    expect(cfg.controls[0]).toMatchObject({
      console: true,
      spec: { principal: 1, caps: ALL_CAPS, grant: ALL_ENDPOINTS, leasePrio: 10 },
    });
    expect(cfg.controls[0]!.token.length).toBeGreaterThanOrEqual(32);
    const again = writeDefaultConfig(f);
    expect(again.written).toBe(false);
    expect(loadConfig(f).controls[0]!.token).toBe(cfg.controls[0]!.token);
  });

  it('includes the managed demo VM when QEMU and the guest are present', () => {
    const guest = tmp();
    for (const n of ['vmlinuz', 'initramfs.cpio.gz', 'stamp']) fs.writeFileSync(path.join(guest, n), '');
    const fakeQemu = path.join(guest, 'qemu-system-x86_64');
    fs.writeFileSync(fakeQemu, '#!/bin/sh\n', { mode: 0o755 });
    const f = path.join(tmp(), 'config.json');
    const r = writeDefaultConfig(f, { ...process.env, VMSIG_QEMU: fakeQemu, VMSIG_GUEST_DIR: guest });
    expect(r.missing).toEqual([]);
    expect(loadConfig(f).vms).toEqual([
      { kind: 'managed', id: 1, name: 'demo', managed: { memoryMiB: 256 } },
    ]);
  });
});
