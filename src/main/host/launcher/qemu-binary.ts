/*
 * Finds the qemu-system-x86_64 binary and says exactly what to install when it is missing.
 * It only looks; it never installs anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Path of qemu-system-x86_64: `$VMSIG_QEMU` if set, else the first on PATH. Throws
 * LauncherError `missing-qemu` ("QEMU not found: install qemu-system-x86").
 */
export function findQemu(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VMSIG_QEMU) {
    if (isExecutable(env.VMSIG_QEMU)) return env.VMSIG_QEMU;
    throw new LauncherError(
      'missing-qemu',
      ErrorCode.NOENT,
      `QEMU not found at VMSIG_QEMU=${env.VMSIG_QEMU}`,
    );
  }
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, 'qemu-system-x86_64');
    if (dir && isExecutable(candidate)) return candidate;
  }
  throw new LauncherError('missing-qemu', ErrorCode.NOENT, 'QEMU not found: install qemu-system-x86');
}
