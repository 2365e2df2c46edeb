/*
 * Locates the cached test guest built by resources/guest/build-guest.sh and says how to
 * build it when it is missing. It only looks; it never builds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

/** Where the test guest lives, and whether each part is there. */
export interface GuestPaths {
  dir: string;
  kernel: string;
  initrd: string;
  stamp: string;
  /** True when kernel, initramfs and stamp all exist. */
  built: boolean;
}

/**
 * Paths of the test guest built by `npm run guest`, in `$VMSIG_GUEST_DIR` or
 * `${XDG_CACHE_HOME:-~/.cache}/vmsig/guest`. Never throws; see `built`.
 */
export function guestPaths(env: NodeJS.ProcessEnv = process.env): GuestPaths {
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  const dir = env.VMSIG_GUEST_DIR || path.join(cache, 'vmsig', 'guest');
  const kernel = path.join(dir, 'vmlinuz');
  const initrd = path.join(dir, 'initramfs.cpio.gz');
  const stamp = path.join(dir, 'stamp');
  const built = [kernel, initrd, stamp].every((f) => fs.existsSync(f));
  return { dir, kernel, initrd, stamp, built };
}

/** The guest paths, or LauncherError `missing-guest` ("test guest not built: run npm run guest"). */
export function requireGuest(env: NodeJS.ProcessEnv = process.env): GuestPaths {
  const g = guestPaths(env);
  if (!g.built) {
    throw new LauncherError(
      'missing-guest',
      ErrorCode.NOENT,
      `test guest not built: run npm run guest (looked in ${g.dir})`,
    );
  }
  return g;
}
