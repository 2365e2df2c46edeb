/*
 * The managed-VM spec the launcher accepts, and its validation. Validation only: it never
 * touches the file system or starts anything.
 */
import { ENDPOINT_MAX, ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

/** A VM the host starts and owns. Paths default to the project's test guest. */
export interface ManagedVmSpec {
  /** Endpoint id, 1..63; names the runtime files (vm<id>.qmp, vm<id>.ram, ...). */
  id: number;
  name: string;
  /** Guest RAM in MiB, 128..65536; backs the RAM file the MEMCTX adapter maps. */
  memoryMiB: number;
  kernel?: string;
  initrd?: string;
  /** Kernel command line; default `console=ttyS0 quiet panic=-1`. */
  append?: string;
  /** Appended verbatim after the launcher's own arguments. */
  extraArgs?: string[];
}

/** Bounds of ManagedVmSpec.memoryMiB; the Debian cloud kernel hangs silently (no serial output) with 64 MiB. */
export const MEMORY_MIB_MIN = 128;
export const MEMORY_MIB_MAX = 65536;

function invalid(message: string): LauncherError {
  return new LauncherError('invalid-spec', ErrorCode.INVAL, `invalid VM spec: ${message}`);
}

/** Returns `spec` typed as ManagedVmSpec, or throws LauncherError `invalid-spec` naming the field. */
export function validateSpec(spec: unknown): ManagedVmSpec {
  if (typeof spec !== 'object' || spec === null) throw invalid('not an object');
  const s = spec as Record<string, unknown>;
  const known = new Set(['id', 'name', 'memoryMiB', 'kernel', 'initrd', 'append', 'extraArgs']);
  const unknown = Object.keys(s).filter((k) => !known.has(k));
  if (unknown.length) throw invalid(`unknown field(s) ${unknown.join(', ')}`);
  if (!Number.isInteger(s.id) || (s.id as number) < 1 || (s.id as number) > ENDPOINT_MAX) {
    throw invalid(`id must be an integer 1..${ENDPOINT_MAX}, got ${JSON.stringify(s.id)}`);
  }
  if (typeof s.name !== 'string' || s.name.trim() === '' || /[,\n]/.test(s.name)) {
    throw invalid(
      `name must be a non-empty string without commas or newlines, got ${JSON.stringify(s.name)}`,
    );
  }
  const mib = s.memoryMiB;
  if (!Number.isInteger(mib) || (mib as number) < MEMORY_MIB_MIN || (mib as number) > MEMORY_MIB_MAX) {
    throw invalid(
      `memoryMiB must be an integer ${MEMORY_MIB_MIN}..${MEMORY_MIB_MAX}, got ${JSON.stringify(mib)}`,
    );
  }
  for (const field of ['kernel', 'initrd', 'append'] as const) {
    if (s[field] !== undefined && (typeof s[field] !== 'string' || s[field] === '')) {
      throw invalid(`${field} must be a non-empty string`);
    }
  }
  if (s.initrd !== undefined && s.kernel === undefined) throw invalid('initrd needs kernel');
  if (
    s.extraArgs !== undefined &&
    (!Array.isArray(s.extraArgs) || !s.extraArgs.every((a) => typeof a === 'string'))
  ) {
    throw invalid('extraArgs must be an array of strings');
  }
  return s as unknown as ManagedVmSpec;
}
