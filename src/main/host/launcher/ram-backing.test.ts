import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model/constants';
import { chooseRamBacking, releaseRamBacking } from './ram-backing';

const MIB = 1024 * 1024;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-ram-'));
const runtimeDir = path.join(root, 'run');
const shm = path.join(root, 'shm');
const big = path.join(root, 'big');
for (const d of [runtimeDir, shm, big]) fs.mkdirSync(d);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const freeMiB = (table: Record<string, number>) => (dir: string) => (table[dir] ?? 0) * MIB;
const opts = { id: 3, memoryMiB: 2048, runtimeDir, runtimeRam: path.join(runtimeDir, 'vm3.ram') };

describe('chooseRamBacking', () => {
  it('keeps the RAM file in the runtime directory when it has room', () => {
    expect(chooseRamBacking(opts, freeMiB({ [runtimeDir]: 4096 }), shm)).toEqual({ file: opts.runtimeRam });
  });

  it('falls back to /dev/shm in a private 0700 directory, removed on release', () => {
    const b = chooseRamBacking(opts, freeMiB({ [runtimeDir]: 100, [shm]: 4096 }), shm);
    expect(path.dirname(b.privateDir!)).toBe(shm);
    expect(fs.statSync(b.privateDir!).mode & 0o777).toBe(0o700);
    expect(b.file).toBe(path.join(b.privateDir!, 'ram'));
    releaseRamBacking(b);
    expect(fs.existsSync(b.privateDir!)).toBe(false);
  });

  it('prefers the configured ramDir over /dev/shm', () => {
    const b = chooseRamBacking({ ...opts, ramDir: big }, freeMiB({ [big]: 9000, [shm]: 9000 }), shm);
    expect(path.dirname(b.privateDir!)).toBe(big);
    releaseRamBacking(b);
  });

  it('refuses with the free space it saw and the setting to change', () => {
    const call = (): unknown => chooseRamBacking(opts, freeMiB({ [runtimeDir]: 100, [shm]: 512 }), shm);
    expect(call).toThrow(/needs 2048 MiB .*run \(100 MiB free\).*shm \(512 MiB free\).*"ramDir"/);
    expect(call).toThrow(expect.objectContaining({ code: ErrorCode.IO }));
  });
});
