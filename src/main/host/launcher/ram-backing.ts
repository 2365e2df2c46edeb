/*
 * Where a managed VM's guest RAM file goes: the runtime directory when its file system has
 * room for all of the guest's memory, else the configured `ramDir`, else /dev/shm. A guest
 * whose RAM file cannot grow dies with SIGBUS mid-run, so this refuses up front instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

/** The chosen RAM file; `privateDir` (a 0700 directory made for it) is removed on stop. */
export interface RamBacking {
  file: string;
  privateDir?: string;
}

/** Free bytes for an unprivileged writer on the file system of `dir`, or null when unknown. */
export type FreeSpace = (dir: string) => number | null;

/** statfs(2) of `dir` (or its nearest existing parent). */
export const statfsFree: FreeSpace = (dir) => {
  let d = path.resolve(dir);
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  try {
    const s = fs.statfsSync(d);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
};

const MIB = 1024 * 1024;

/**
 * Picks the RAM file of VM `id` for `memoryMiB`. The fall-backs get a private 0700
 * directory (other users can list /dev/shm). Throws LauncherError NOSPC-like IO naming
 * `ramDir` when no candidate has room.
 */
export function chooseRamBacking(
  opts: { id: number; memoryMiB: number; runtimeDir: string; runtimeRam: string; ramDir?: string },
  free: FreeSpace = statfsFree,
  shm = '/dev/shm',
): RamBacking {
  const need = opts.memoryMiB * MIB;
  const fits = (dir: string): boolean => {
    const f = free(dir);
    return f === null || f >= need;
  };
  if (fits(opts.runtimeDir)) return { file: opts.runtimeRam };
  const fallbacks = [opts.ramDir, shm].filter((d): d is string => d !== undefined && fs.existsSync(d));
  for (const dir of fallbacks) {
    if (!fits(dir)) continue;
    const privateDir = fs.mkdtempSync(path.join(dir, `vmsig-vm${opts.id}-`));
    fs.chmodSync(privateDir, 0o700);
    return { file: path.join(privateDir, 'ram'), privateDir };
  }
  const mib = (dir: string): string => {
    const f = free(dir);
    return f === null ? 'unknown' : `${Math.floor(f / MIB)} MiB free`;
  };
  const looked = [opts.runtimeDir, ...fallbacks].map((d) => `${d} (${mib(d)})`).join(', ');
  throw new LauncherError(
    'start-failed',
    ErrorCode.IO,
    `memoryMiB: VM ${opts.id} needs ${opts.memoryMiB} MiB for its guest RAM file but no directory has room: ` +
      `${looked}. Set "ramDir" in the VM's managed settings to a directory with room, or lower memoryMiB`,
  );
}

/** Removes a fall-back's private directory (the runtime-directory file is the launcher's). */
export function releaseRamBacking(b: RamBacking): void {
  if (b.privateDir) fs.rmSync(b.privateDir, { recursive: true, force: true });
}
