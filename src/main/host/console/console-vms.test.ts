import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, type Control, maskOf } from '../../core';
import { Cap, ErrorCode } from '../../../shared/model';
import { SerialLog } from '../launcher/serial-log';
import type { ConsoleHostPort } from './host-port';
import { readSerial, vmImages, vmSettings } from './console-vms';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-console-vms-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const log = new SerialLog(path.join(dir, 'vm2.serial'));
log.append(Buffer.from('hello\nlogin: '));
const host = {
  serialLog: (id: number) => (id === 2 ? { log, run: 4242 } : null),
  managedSettings: (id: number) =>
    id === 2 ? { name: 'deb', managed: { memoryMiB: 512, disks: [{ path: '/i/d.qcow2' }] } } : null,
  images: () => [{ path: '/i/d.qcow2', kind: 'disk' as const, bytes: 1 }],
} as unknown as ConsoleHostPort;
const control = (caps: number, grant = ALL_ENDPOINTS) => ({ spec: { caps, grant } }) as unknown as Control;
const text = (b64: string): string => Buffer.from(b64, 'base64').toString();

describe('the console serial pane feed', () => {
  it('returns what the guest wrote after `since`, with the run and the next offset', () => {
    const all = readSerial(host, control(Cap.OBSERVE), 2, 0);
    expect(all).toMatchObject({ run: 4242, start: 0, next: 13 });
    expect(text(all.base64)).toBe('hello\nlogin: ');
    expect(text(readSerial(host, control(Cap.OBSERVE), 2, 6).base64)).toBe('login: ');
    // An offset past the end belongs to an earlier run: this run is sent from its start.
    expect(readSerial(host, control(Cap.OBSERVE), 2, 10_000)).toMatchObject({ start: 0, next: 13 });
  });

  it('needs OBSERVE and the VM in the grant; a VM without QEMU has no run', () => {
    expect(() => readSerial(host, control(Cap.INPUT), 2, 0)).toThrow(
      expect.objectContaining({ code: ErrorCode.PERM }),
    );
    expect(() => readSerial(host, control(Cap.OBSERVE, maskOf([1])), 2, 0)).toThrow(
      expect.objectContaining({ code: ErrorCode.GRANT }),
    );
    expect(readSerial(host, control(Cap.OBSERVE), 3, 0)).toEqual({
      run: null,
      source: '',
      start: 0,
      next: 0,
      base64: '',
    });
  });
});

describe('the New VM form views', () => {
  it('shows a managed VM in form terms, lists images only to a HOST control', () => {
    expect(vmSettings(host, control(Cap.OBSERVE), 2)).toEqual({
      name: 'deb',
      managed: { memoryMiB: 512, vcpus: 1, firmware: 'bios', disk: { path: '/i/d.qcow2', mode: 'snapshot' } },
      attached: null,
    });
    expect(() => vmSettings(host, control(Cap.OBSERVE), 3)).toThrow(
      expect.objectContaining({ code: ErrorCode.NOENT }),
    );
    expect(() => vmImages(host, control(Cap.OBSERVE))).toThrow(
      expect.objectContaining({ code: ErrorCode.PERM }),
    );
    expect(vmImages(host, control(Cap.HOST)).images).toHaveLength(1);
  });
});
