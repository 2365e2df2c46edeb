/*
 * The managed-VM spec the launcher accepts, and its validation. Validation only: it never
 * touches the file system or starts anything (missing files and locked images are the
 * pre-flight's job, see disk-images.ts). Errors name the field path (`disks[1].format`).
 */
import { ENDPOINT_MAX, ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

/**
 * How a disk's writes are kept: `snapshot` (default) throws them away when QEMU exits, so
 * the base image is never modified; `overlay` keeps them in a qcow2 file backed by the base
 * (created with qemu-img when missing); `write` writes into the image itself.
 */
export type DiskMode = 'snapshot' | 'overlay' | 'write';

/** One disk of a managed VM. */
export interface DiskSpec {
  path: string;
  /** Image format; default: what `qemu-img info` reports. */
  format?: 'qcow2' | 'raw';
  mode?: DiskMode;
  /** Overlay file for mode `overlay`; default `<path>.vm<id>.qcow2`. */
  overlay?: string;
  /** Create `path` as an empty qcow2 of this size (`20G`, `512M`) when it does not exist. */
  size?: string;
  /** Guest-visible bus: `virtio` (default) or `ide` for systems without virtio drivers. */
  bus?: 'virtio' | 'ide';
}

/** One host port forwarded into the guest's user-mode network. */
export interface PortForward {
  proto?: 'tcp' | 'udp';
  /** Host address to bind; default 127.0.0.1 (reachable from this machine only). */
  hostAddress?: string;
  hostPort: number;
  guestPort: number;
}

/** The guest's network: one user-mode (slirp) NIC, or none. */
export interface NetworkSpec {
  model?: 'virtio' | 'e1000';
  forwards?: PortForward[];
}

/** What the firmware tries first; `kernel` boots `kernel` directly (no firmware boot). */
export type BootDevice = 'disk' | 'cdrom';

/** A VM the host starts and owns. Without kernel, disks or cdrom it boots the project's test guest. */
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
  disks?: DiskSpec[];
  /** An ISO image attached as a read-only CD-ROM. */
  cdrom?: string;
  /** Boot order among disk and cdrom; default: cdrom first when there is one, then disk. */
  boot?: BootDevice[];
  /** `bios` (SeaBIOS, default) or `uefi` (Debian's OVMF). */
  firmware?: 'bios' | 'uefi';
  /** UEFI variable store to keep across starts; default a fresh copy per start. */
  uefiVars?: string;
  /** Virtual CPUs, 1..64 (default 1). */
  vcpus?: number;
  /** Machine type (default `pc`). */
  machine?: 'pc' | 'q35';
  /** A user-mode NIC (default: no network). */
  network?: NetworkSpec;
  /** Directory for the guest RAM file when the runtime directory has no room for it. */
  ramDir?: string;
  /** Appended verbatim after the launcher's own arguments. */
  extraArgs?: string[];
}

/** Bounds of ManagedVmSpec.memoryMiB; the Debian cloud kernel hangs silently (no serial output) with 64 MiB. */
export const MEMORY_MIB_MIN = 128;
export const MEMORY_MIB_MAX = 65536;
/** Bounds of ManagedVmSpec.vcpus. */
export const VCPUS_MAX = 64;
/** A disk size qemu-img understands: digits with an optional K/M/G/T suffix. */
export const DISK_SIZE_PATTERN = /^[1-9][0-9]*[KMGT]?$/;

/** The fields of a managed VM besides its id and name (the configuration's `managed` object). */
export const MANAGED_SPEC_FIELDS = [
  'memoryMiB',
  'kernel',
  'initrd',
  'append',
  'disks',
  'cdrom',
  'boot',
  'firmware',
  'uefiVars',
  'vcpus',
  'machine',
  'network',
  'ramDir',
  'extraArgs',
] as const;
const SPEC_KEYS = ['id', 'name', ...MANAGED_SPEC_FIELDS];
const DISK_KEYS = ['path', 'format', 'mode', 'overlay', 'size', 'bus'];
const FORWARD_KEYS = ['proto', 'hostAddress', 'hostPort', 'guestPort'];

/** A spec refused by validateSpec: `field` is the path of the offending field (`disks[1].format`). */
export class SpecError extends LauncherError {
  constructor(
    override readonly field: string,
    readonly problem: string,
  ) {
    super('invalid-spec', ErrorCode.INVAL, `invalid VM spec: ${field}: ${problem}`);
  }
}

function invalid(at: string, message: string): SpecError {
  return new SpecError(at, message);
}

const json = (v: unknown): string => JSON.stringify(v) ?? 'nothing';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(o: Record<string, unknown>, known: string[], at: string): void {
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length) throw invalid(at || unknown[0]!, `unknown field(s) ${unknown.join(', ')}`);
}

function optString(o: Record<string, unknown>, field: string, at: string): void {
  const v = o[field];
  if (v !== undefined && (typeof v !== 'string' || v === '')) throw invalid(at, 'must be a non-empty string');
}

function oneOf(v: unknown, allowed: readonly string[], at: string): void {
  if (v !== undefined && !allowed.includes(v as string))
    throw invalid(at, `must be one of ${allowed.join(', ')}, got ${json(v)}`);
}

function intIn(v: unknown, min: number, max: number, at: string): void {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    throw invalid(at, `must be an integer ${min}..${max}, got ${json(v)}`);
}

function validateDisk(d: unknown, at: string): void {
  if (!isRecord(d)) throw invalid(at, 'must be an object { "path": ... }');
  checkKeys(d, DISK_KEYS, at);
  if (typeof d.path !== 'string' || d.path === '') throw invalid(`${at}.path`, 'must be a non-empty string');
  oneOf(d.format, ['qcow2', 'raw'], `${at}.format`);
  oneOf(d.mode, ['snapshot', 'overlay', 'write'], `${at}.mode`);
  oneOf(d.bus, ['virtio', 'ide'], `${at}.bus`);
  optString(d, 'overlay', `${at}.overlay`);
  if (d.overlay !== undefined && d.mode !== 'overlay')
    throw invalid(`${at}.overlay`, 'needs "mode": "overlay"');
  if (d.size !== undefined && (typeof d.size !== 'string' || !DISK_SIZE_PATTERN.test(d.size)))
    throw invalid(`${at}.size`, `must be a size like "20G" or "512M", got ${json(d.size)}`);
}

function validateNetwork(n: unknown, at: string): void {
  if (!isRecord(n)) throw invalid(at, 'must be an object { "forwards": [...] }');
  checkKeys(n, ['model', 'forwards'], at);
  oneOf(n.model, ['virtio', 'e1000'], `${at}.model`);
  if (n.forwards === undefined) return;
  if (!Array.isArray(n.forwards)) throw invalid(`${at}.forwards`, 'must be an array');
  n.forwards.forEach((f, i) => {
    const fat = `${at}.forwards[${i}]`;
    if (!isRecord(f)) throw invalid(fat, 'must be an object { "hostPort", "guestPort" }');
    checkKeys(f, FORWARD_KEYS, fat);
    oneOf(f.proto, ['tcp', 'udp'], `${fat}.proto`);
    intIn(f.hostPort, 1, 65535, `${fat}.hostPort`);
    intIn(f.guestPort, 1, 65535, `${fat}.guestPort`);
    // QEMU splits hostfwd on ':' and '-': an IPv4 address (or a name without them) only.
    if (f.hostAddress !== undefined && (typeof f.hostAddress !== 'string' || !/^[\w.]+$/.test(f.hostAddress)))
      throw invalid(`${fat}.hostAddress`, `must be an IPv4 address or host name, got ${json(f.hostAddress)}`);
  });
}

/** Returns `spec` typed as ManagedVmSpec, or throws SpecError (LauncherError `invalid-spec`) naming the field. */
export function validateSpec(spec: unknown): ManagedVmSpec {
  if (!isRecord(spec)) throw invalid('spec', 'not an object');
  const s = spec;
  checkKeys(s, SPEC_KEYS, '');
  intIn(s.id, 1, ENDPOINT_MAX, 'id');
  if (typeof s.name !== 'string' || s.name.trim() === '' || /[,\n]/.test(s.name)) {
    throw invalid('name', `must be a non-empty string without commas or newlines, got ${json(s.name)}`);
  }
  intIn(s.memoryMiB, MEMORY_MIB_MIN, MEMORY_MIB_MAX, 'memoryMiB');
  for (const field of ['kernel', 'initrd', 'append', 'cdrom', 'uefiVars', 'ramDir'] as const)
    optString(s, field, field);
  if (s.initrd !== undefined && s.kernel === undefined) throw invalid('initrd', 'needs kernel');
  if (s.disks !== undefined) {
    if (!Array.isArray(s.disks)) throw invalid('disks', 'must be an array');
    s.disks.forEach((d, i) => validateDisk(d, `disks[${i}]`));
  }
  if (s.boot !== undefined) {
    if (!Array.isArray(s.boot) || s.boot.length === 0) throw invalid('boot', 'must be a non-empty array');
    s.boot.forEach((b, i) => oneOf(b, ['disk', 'cdrom'], `boot[${i}]`));
    if (s.boot.includes('cdrom') && s.cdrom === undefined)
      throw invalid('boot', '"cdrom" needs a cdrom image');
    if (s.boot.includes('disk') && !(s.disks as unknown[] | undefined)?.length)
      throw invalid('boot', '"disk" needs at least one disk');
  }
  oneOf(s.firmware, ['bios', 'uefi'], 'firmware');
  if (s.uefiVars !== undefined && s.firmware !== 'uefi')
    throw invalid('uefiVars', 'needs "firmware": "uefi"');
  if (s.vcpus !== undefined) intIn(s.vcpus, 1, VCPUS_MAX, 'vcpus');
  oneOf(s.machine, ['pc', 'q35'], 'machine');
  if (s.network !== undefined) validateNetwork(s.network, 'network');
  if (
    s.extraArgs !== undefined &&
    (!Array.isArray(s.extraArgs) || !s.extraArgs.every((a) => typeof a === 'string'))
  ) {
    throw invalid('extraArgs', 'must be an array of strings');
  }
  return s as unknown as ManagedVmSpec;
}

/** Whether the VM boots the project's test guest (no kernel, disk or CD-ROM of its own). */
export function bootsTestGuest(spec: ManagedVmSpec): boolean {
  return spec.kernel === undefined && !spec.disks?.length && spec.cdrom === undefined;
}
