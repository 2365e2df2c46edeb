/*
 * Validation of `vms[]` (config.md): ids 1..63 and unique, a display name, exactly one of
 * `managed` / `qmp`, `memctx`, `vnc` and `serial` only for attached VMs. Pure: it reads no file.
 */
import path from 'node:path';
import { ENDPOINT_MAX } from '../../../shared/model';
import { ConfigError } from './config-error';
import type { ManagedConfig, VmConfig } from './config-types';
import { checkKeys, isObject, requireString, str } from './json-checks';
import {
  MANAGED_SPEC_FIELDS,
  MEMORY_MIB_MAX,
  MEMORY_MIB_MIN,
  SpecError,
  type ManagedVmSpec,
  validateSpec,
} from '../launcher';
import { type VncTarget, parseVncAddress } from '../display/vnc-target';

const VM_KEYS = ['id', 'name', 'managed', 'qmp', 'memctx', 'vnc', 'serial', 'layout'];
/** A keyboard layout name as QEMU's keymap files spell them (en-us, de, fr-ch, bepo). */
const LAYOUT = /^[a-z]{2,4}(-[a-z]{2,4})?$/;
/** Default guest RAM of a managed VM. */
export const DEFAULT_MEMORY_MIB = 256;

function parseManaged(v: unknown, at: string, baseDir: string): ManagedConfig {
  if (!isObject(v)) throw new ConfigError(at, 'must be an object (use {} for the test guest with defaults)');
  checkKeys(v, MANAGED_SPEC_FIELDS, at);
  const mib = v.memoryMiB ?? DEFAULT_MEMORY_MIB;
  if (!Number.isInteger(mib) || (mib as number) < MEMORY_MIB_MIN || (mib as number) > MEMORY_MIB_MAX) {
    throw new ConfigError(
      `${at}.memoryMiB`,
      `must be an integer ${MEMORY_MIB_MIN}..${MEMORY_MIB_MAX}, got ${str(mib)}`,
    );
  }
  const out: ManagedConfig = { memoryMiB: mib as number };
  for (const f of ['kernel', 'initrd'] as const) {
    if (v[f] !== undefined) out[f] = path.resolve(baseDir, requireString(v[f], `${at}.${f}`));
  }
  if (v.append !== undefined) out.append = requireString(v.append, `${at}.append`);
  if (out.initrd && !out.kernel) throw new ConfigError(`${at}.initrd`, 'needs kernel');
  if (v.extraArgs !== undefined) {
    if (!Array.isArray(v.extraArgs)) throw new ConfigError(`${at}.extraArgs`, 'must be an array of strings');
    out.extraArgs = v.extraArgs.map((a, i) => {
      if (typeof a !== 'string')
        throw new ConfigError(`${at}.extraArgs[${i}]`, `must be a string, got ${str(a)}`);
      return a;
    });
  }
  return withMedia(out, v, at, baseDir);
}

/**
 * Adds the disk/ISO/firmware/network fields, checked by the launcher's own validation (one
 * set of rules) with its field path put under `at`; their file paths resolve against `baseDir`.
 */
function withMedia(
  out: ManagedConfig,
  v: Record<string, unknown>,
  at: string,
  baseDir: string,
): ManagedConfig {
  const rest: Record<string, unknown> = {};
  for (const k of ['disks', 'cdrom', 'boot', 'firmware', 'uefiVars', 'vcpus', 'machine', 'network', 'ramDir'])
    if (v[k] !== undefined) rest[k] = v[k];
  try {
    validateSpec({ id: 1, name: 'config', ...out, ...rest });
  } catch (e) {
    if (e instanceof SpecError) throw new ConfigError(`${at}.${e.field}`, e.problem);
    throw e;
  }
  const spec = rest as Partial<ManagedVmSpec>;
  const abs = (p: string): string => path.resolve(baseDir, p);
  return {
    ...out,
    ...spec,
    ...(spec.disks && {
      disks: spec.disks.map((d) => ({
        ...d,
        path: abs(d.path),
        ...(d.overlay && { overlay: abs(d.overlay) }),
      })),
    }),
    ...(spec.cdrom && { cdrom: abs(spec.cdrom) }),
    ...(spec.uefiVars && { uefiVars: abs(spec.uefiVars) }),
    ...(spec.ramDir && { ramDir: abs(spec.ramDir) }),
  };
}

/** Validates `vms`; relative paths resolve against `baseDir`. */
export function parseVms(v: unknown, baseDir: string): VmConfig[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError('vms', 'must be an array');
  const seen = new Map<number, number>();
  return v.map((raw, i): VmConfig => {
    const at = `vms[${i}]`;
    if (!isObject(raw)) throw new ConfigError(at, 'must be an object');
    checkKeys(raw, VM_KEYS, at);
    const id = raw.id;
    if (!Number.isInteger(id) || (id as number) < 1 || (id as number) > ENDPOINT_MAX) {
      throw new ConfigError(`${at}.id`, `must be an integer 1..${ENDPOINT_MAX}, got ${str(id)}`);
    }
    if (seen.has(id as number))
      throw new ConfigError(`${at}.id`, `${id} is already used by vms[${seen.get(id as number)}]`);
    seen.set(id as number, i);
    const name = requireString(raw.name, `${at}.name`);
    if (/[,\n\r]/.test(name)) throw new ConfigError(`${at}.name`, 'must not contain commas or newlines');
    const layout = raw.layout === undefined ? undefined : requireString(raw.layout, `${at}.layout`);
    if (layout !== undefined && !LAYOUT.test(layout))
      throw new ConfigError(
        `${at}.layout`,
        `must be a keyboard layout name like "de" or "fr-ch", got ${str(layout)}`,
      );
    const withLayout = layout === undefined ? {} : { layout };
    if ((raw.managed === undefined) === (raw.qmp === undefined)) {
      throw new ConfigError(
        at,
        'needs exactly one of "managed" (the host starts QEMU) or "qmp" (attach to a running QEMU)',
      );
    }
    if (raw.managed !== undefined) {
      if (raw.vnc !== undefined)
        throw new ConfigError(
          `${at}.vnc`,
          'is only for attached VMs (a managed VM gets its display from the launcher)',
        );
      if (raw.serial !== undefined)
        throw new ConfigError(
          `${at}.serial`,
          'is only for attached VMs (a managed VM gets its serial socket from the launcher)',
        );
      if (raw.memctx !== undefined)
        throw new ConfigError(
          `${at}.memctx`,
          'is only for attached VMs (a managed VM gets its RAM file from the launcher)',
        );
      return {
        kind: 'managed',
        id: id as number,
        name,
        managed: parseManaged(raw.managed, `${at}.managed`, baseDir),
        ...withLayout,
      };
    }
    const vm: VmConfig = {
      kind: 'attached',
      id: id as number,
      name,
      qmp: path.resolve(baseDir, requireString(raw.qmp, `${at}.qmp`)),
      ...withLayout,
    };
    if (raw.memctx !== undefined) {
      if (!isObject(raw.memctx))
        throw new ConfigError(`${at}.memctx`, 'must be an object { "ramFile": path }');
      checkKeys(raw.memctx, ['ramFile'], `${at}.memctx`);
      vm.ramFile = path.resolve(baseDir, requireString(raw.memctx.ramFile, `${at}.memctx.ramFile`));
    }
    if (raw.vnc !== undefined) vm.vnc = parseVnc(raw.vnc, `${at}.vnc`, baseDir);
    // The serial port is addressed like the display: a Unix socket QEMU serves, or host:port.
    if (raw.serial !== undefined) vm.serial = parseVnc(raw.serial, `${at}.serial`, baseDir);
    return vm;
  });
}

/** `vnc` (or `serial`): a Unix socket path (relative to `baseDir`) or `host:port`. */
function parseVnc(v: unknown, at: string, baseDir: string): VncTarget {
  const text = requireString(v, at);
  const t = parseVncAddress(text);
  if (!t) throw new ConfigError(at, `"${text}" is not host:port with a port 1..65535`);
  return t.kind === 'path' ? { kind: 'unix', path: path.resolve(baseDir, t.path) } : t;
}

/**
 * Checks one `vms[]` entry (a form's, a host request's, the CLI's) exactly as the file's
 * parser does, paths resolved against `baseDir`. Throws ConfigError whose `field` is the
 * entry's own (`vnc`, `managed.disks[0].format`; `vm` for the entry as a whole).
 */
export function parseVmEntry(raw: Record<string, unknown>, baseDir: string): VmConfig {
  try {
    return parseVms([raw], baseDir)[0]!;
  } catch (e) {
    if (e instanceof ConfigError)
      throw new ConfigError(e.field.replace(/^vms\[0\]\.?/, '') || 'vm', e.detail);
    throw e;
  }
}

/** `imageDirs`: directories (relative to `baseDir`) the New VM form lists images from; default none. */
export function parseImageDirs(v: unknown, baseDir: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError('imageDirs', 'must be an array of directory paths');
  return v.map((d, i) => path.resolve(baseDir, requireString(d, `imageDirs[${i}]`)));
}
