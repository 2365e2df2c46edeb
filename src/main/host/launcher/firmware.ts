/*
 * UEFI firmware for managed VMs: Debian's OVMF code image (read-only, shared) and a per-VM
 * copy of its variable store, which the guest writes. It never writes the system's files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

/** Where Debian's `ovmf` package puts its images (4 MiB flavour first, as QEMU's descriptors do). */
export const OVMF_DIRS = ['/usr/share/OVMF'];
const PAIRS = [
  ['OVMF_CODE_4M.fd', 'OVMF_VARS_4M.fd'],
  ['OVMF_CODE.fd', 'OVMF_VARS.fd'],
] as const;

/** The two flash images of a UEFI VM. */
export interface UefiFlash {
  code: string;
  /** The VM's own variable store (a copy of the template). */
  vars: string;
  /** Whether `vars` was made for this start only (remove it on stop). */
  ephemeral: boolean;
}

/** The OVMF code and variable-template pair, or throws LauncherError `missing-guest` saying what to install. */
export function findOvmf(dirs = OVMF_DIRS): { code: string; varsTemplate: string } {
  for (const dir of dirs) {
    for (const [code, vars] of PAIRS) {
      const c = path.join(dir, code);
      const v = path.join(dir, vars);
      if (fs.existsSync(c) && fs.existsSync(v)) return { code: c, varsTemplate: v };
    }
  }
  throw new LauncherError(
    'missing-guest',
    ErrorCode.NOENT,
    `firmware: UEFI needs OVMF (looked in ${dirs.join(', ')}): install the Debian package ovmf`,
  );
}

/**
 * Gives a UEFI VM its flash: `keepVars` (the spec's `uefiVars`) is created from the template
 * when missing and reused after; without it a fresh copy goes to `runtimeVars`.
 */
export function prepareUefi(runtimeVars: string, keepVars?: string, dirs = OVMF_DIRS): UefiFlash {
  const { code, varsTemplate } = findOvmf(dirs);
  const vars = keepVars ?? runtimeVars;
  try {
    if (keepVars === undefined || !fs.existsSync(keepVars)) {
      fs.copyFileSync(varsTemplate, vars);
      fs.chmodSync(vars, 0o600);
    }
  } catch (e) {
    throw new LauncherError(
      'start-failed',
      ErrorCode.IO,
      `${keepVars ? 'uefiVars' : 'firmware'}: cannot write the UEFI variable store ${vars}: ${(e as Error).message}`,
    );
  }
  return { code, vars, ephemeral: keepVars === undefined };
}

/** QEMU arguments for the flash pair (code read-only, variables writable). */
export function uefiArgs(flash: UefiFlash): string[] {
  return [
    '-drive',
    `if=pflash,format=raw,unit=0,readonly=on,file=${flash.code}`,
    '-drive',
    `if=pflash,format=raw,unit=1,file=${flash.vars}`,
  ];
}
