import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { guestPaths, requireGuest } from './guest-paths';
import { findQemu } from './qemu-binary';

describe('guestPaths / requireGuest / findQemu', () => {
  it('uses XDG_CACHE_HOME and says how to build a missing guest', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cache-'));
    const env = { XDG_CACHE_HOME: cache, HOME: '/nonexistent' };
    expect(guestPaths(env)).toMatchObject({ dir: path.join(cache, 'vmsig', 'guest'), built: false });
    expect(() => requireGuest(env)).toThrow(/test guest not built: run npm run guest/);
    const dir = path.join(cache, 'vmsig', 'guest');
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['vmlinuz', 'initramfs.cpio.gz', 'stamp']) fs.writeFileSync(path.join(dir, f), 'x');
    expect(requireGuest(env).built).toBe(true);
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('says which package to install when QEMU is missing', () => {
    expect(() => findQemu({ PATH: '/nonexistent' })).toThrow('QEMU not found: install qemu-system-x86');
  });
});
