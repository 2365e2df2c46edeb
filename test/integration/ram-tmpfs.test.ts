/*
 * Guest RAM where it fits (issue 9, item 7), on real file systems: the runtime directory is a
 * tmpfs really too small for the guest's memory (mounted by the test, as root), so the RAM
 * file must go to `ramDir` or /dev/shm, QEMU must really map it there and the guest boot;
 * when nothing has room the start is refused with the free space and `ramDir` named.
 * Skipped, with the reason printed, where this process may not mount.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/shared/model';
import { launchVm } from '../../src/main/host/launcher';
import { statfsFree } from '../../src/main/host/launcher/ram-backing';
import { GUEST_READY, ensureGuest } from '../helpers/guest';

const MIB = 1024 * 1024;
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-ram-tmpfs-'));
const runtimeDir = path.join(base, 'run');
const ramDir = path.join(base, 'ram');
const mounted: string[] = [];

/** Mounts a tmpfs of `size` at `dir` (mode 0700); returns why not when it cannot. */
function mountTmpfs(dir: string, size: string): string | null {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'vmsig-test', dir], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return `mount -t tmpfs failed: ${(r.stderr || String(r.error)).trim()}`;
  mounted.push(dir);
  return null;
}

function cannotMount(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const guest = ensureGuest();
  if (!guest.ok) return guest.reason;
  return mountTmpfs(runtimeDir, '64m') ?? mountTmpfs(ramDir, '256m');
}
const skip = cannotMount();
if (skip) console.warn(`[ram-tmpfs] skipping: ${skip}`);

/** Whether QEMU `pid` has `file` mapped (its guest RAM really lives there). */
const maps = (pid: number, file: string): boolean =>
  fs.readFileSync(`/proc/${pid}/maps`, 'utf8').includes(file);

describe.skipIf(skip !== null)(
  'guest RAM on a tmpfs that is too small (real mounts, real QEMU)',
  { timeout: 180_000 },
  () => {
    beforeAll(() => {
      // The premise: the runtime tmpfs really cannot hold a 128 MiB guest.
      expect(statfsFree(runtimeDir)! / MIB).toBeLessThan(128);
    });

    afterAll(() => {
      for (const dir of mounted.reverse()) spawnSync('umount', [dir]);
      fs.rmSync(base, { recursive: true, force: true });
    });

    it('puts the RAM file in ramDir, QEMU maps it there and the guest boots', async () => {
      const vm = await launchVm({ id: 41, name: 'ramdir', memoryMiB: 128, ramDir }, { runtimeDir });
      try {
        // QEMU opens its QMP socket before it creates guest RAM: look once the guest booted.
        await vm.serial.waitFor(GUEST_READY, { timeoutMs: 90_000, abort: vm.exited });
        const ram = vm.paths.ram;
        expect(path.dirname(path.dirname(ram))).toBe(ramDir);
        expect(fs.statSync(ram).size).toBe(128 * MIB);
        expect(maps(vm.pid, ram)).toBe(true);
        // Nothing of it in the small runtime tmpfs but the sockets and logs.
        expect(fs.readdirSync(runtimeDir).filter((f) => f.endsWith('.ram'))).toEqual([]);
      } finally {
        await vm.stop();
      }
      expect(fs.readdirSync(ramDir)).toEqual([]);
    });

    it('without ramDir falls back to /dev/shm, in a private directory QEMU maps', async () => {
      const shmFree = statfsFree('/dev/shm');
      expect(shmFree === null || shmFree >= 128 * MIB, '/dev/shm has room for 128 MiB').toBe(true);
      const vm = await launchVm({ id: 42, name: 'shm', memoryMiB: 128 }, { runtimeDir });
      try {
        await vm.serial.waitFor(GUEST_READY, { timeoutMs: 90_000, abort: vm.exited });
        const ram = vm.paths.ram;
        expect(ram.startsWith('/dev/shm/vmsig-vm42-')).toBe(true);
        expect(fs.statSync(path.dirname(ram)).mode & 0o777).toBe(0o700);
        expect(maps(vm.pid, ram)).toBe(true);
      } finally {
        await vm.stop();
      }
      expect(fs.existsSync(path.dirname(vm.paths.ram))).toBe(false);
    });

    it('refuses a start when nothing has room, naming the free space and ramDir, and leaves nothing behind', async () => {
      const small = path.join(base, 'small');
      expect(mountTmpfs(small, '32m')).toBeNull();
      // More than /dev/shm holds here (at most the largest memoryMiB), so no candidate fits.
      const shmMiB = Math.floor((statfsFree('/dev/shm') ?? 0) / MIB);
      const memoryMiB = shmMiB + 1;
      if (memoryMiB > 65_536) {
        console.warn(`[ram-tmpfs] /dev/shm has ${shmMiB} MiB free, more than a VM may ask: case skipped`);
        return;
      }
      const start = launchVm({ id: 43, name: 'huge', memoryMiB, ramDir: small }, { runtimeDir });
      await expect(start).rejects.toMatchObject({ code: ErrorCode.IO });
      const message = await start.catch((e: Error) => e.message);
      expect(message).toContain(`needs ${memoryMiB} MiB`);
      expect(message).toMatch(new RegExp(`${runtimeDir} \\(\\d+ MiB free\\)`));
      expect(message).toMatch(new RegExp(`${small} \\(3\\d MiB free\\)`));
      expect(message).toContain('Set "ramDir"');
      expect(fs.readdirSync(small)).toEqual([]);
      expect(fs.readdirSync(runtimeDir).filter((f) => f.startsWith('vm43'))).toEqual([]);
    });
  },
);
