/*
 * Pre-flight of a managed VM's disks and CD-ROM with qemu-img: files exist, formats and
 * sizes are sane, no other process holds an image's lock, overlays and new disks are
 * created. It never writes into a base image; every error names the spec field it is about.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';
import type { DiskMode, DiskSpec, ManagedVmSpec } from './vm-spec';

/** A disk ready for the command line: the file QEMU opens and how. */
export interface PreparedDisk {
  /** The file QEMU opens (the overlay in mode `overlay`). */
  file: string;
  format: 'qcow2' | 'raw';
  mode: DiskMode;
  bus: 'virtio' | 'ide';
  virtualSize: number;
}

/** What `qemu-img info --output=json` says about an image. */
export interface ImageInfo {
  format: string;
  virtualSize: number;
}

const QEMU_IMG_TIMEOUT_MS = 20_000;

function run(qemuImg: string, args: string[]): Promise<{ out: string; err: string; failed: boolean }> {
  return new Promise((resolve) => {
    execFile(qemuImg, args, { timeout: QEMU_IMG_TIMEOUT_MS, encoding: 'utf8' }, (error, out, err) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        resolve({
          out: '',
          err: `${qemuImg} not found: install the Debian package qemu-utils`,
          failed: true,
        });
      } else resolve({ out, err: err || (error ? String(error.message) : ''), failed: error !== null });
    });
  });
}

/**
 * Reads `file`'s format and virtual size. Throws LauncherError BUSY when another process
 * holds its write lock (QEMU's "Failed to get shared "write" lock"), IO otherwise; `at` is
 * the field path quoted in the message.
 */
export async function imageInfo(qemuImg: string, file: string, at: string): Promise<ImageInfo> {
  const r = await run(qemuImg, ['info', '--output=json', file]);
  if (r.failed) {
    const why = r.err.trim().split('\n')[0] ?? '';
    if (/lock/i.test(r.err)) {
      throw new LauncherError(
        'start-failed',
        ErrorCode.BUSY,
        `${at}: ${file} is locked by another process (another QEMU uses it?): ${why}`,
      );
    }
    throw new LauncherError('start-failed', ErrorCode.IO, `${at}: qemu-img cannot read ${file}: ${why}`);
  }
  const info = JSON.parse(r.out) as { format?: string; 'virtual-size'?: number };
  return { format: info.format ?? 'raw', virtualSize: info['virtual-size'] ?? 0 };
}

async function create(qemuImg: string, args: string[], at: string): Promise<void> {
  const r = await run(qemuImg, ['create', '-q', ...args]);
  if (r.failed)
    throw new LauncherError('start-failed', ErrorCode.IO, `${at}: qemu-img create failed: ${r.err.trim()}`);
}

function notFound(at: string, file: string): LauncherError {
  return new LauncherError('invalid-spec', ErrorCode.NOENT, `${at}: file not found: ${file}`);
}

async function prepareDisk(qemuImg: string, d: DiskSpec, at: string, id: number): Promise<PreparedDisk> {
  if (!fs.existsSync(d.path)) {
    if (d.size === undefined) throw notFound(`${at}.path`, d.path);
    await create(qemuImg, ['-f', d.format ?? 'qcow2', d.path, d.size], `${at}.size`);
  }
  const info = await imageInfo(qemuImg, d.path, `${at}.path`);
  if (info.format !== 'qcow2' && info.format !== 'raw')
    throw new LauncherError(
      'invalid-spec',
      ErrorCode.INVAL,
      `${at}.path: unsupported image format ${info.format}`,
    );
  if (d.format !== undefined && d.format !== info.format)
    throw new LauncherError(
      'invalid-spec',
      ErrorCode.INVAL,
      `${at}.format: says ${d.format} but ${d.path} is ${info.format}`,
    );
  // A raw file that is empty or not whole sectors is not a disk (a truncated download?);
  // qemu-img rounds a raw image's virtual size up, so look at the file itself.
  const bytes = info.format === 'raw' ? fs.statSync(d.path).size : info.virtualSize;
  if (bytes === 0 || bytes % 512 !== 0)
    throw new LauncherError(
      'invalid-spec',
      ErrorCode.INVAL,
      `${at}.path: bad size ${bytes} bytes for a disk (must be a non-zero multiple of 512)`,
    );
  const mode = d.mode ?? 'snapshot';
  const base = { format: info.format, mode, bus: d.bus ?? 'virtio', virtualSize: info.virtualSize } as const;
  if (mode !== 'overlay') return { ...base, file: d.path };
  const overlay = d.overlay ?? `${d.path}.vm${id}.qcow2`;
  if (!fs.existsSync(overlay))
    await create(qemuImg, ['-f', 'qcow2', '-b', d.path, '-F', info.format, overlay], `${at}.overlay`);
  else await imageInfo(qemuImg, overlay, `${at}.overlay`);
  return { ...base, file: overlay, format: 'qcow2' };
}

/**
 * Checks (and creates, where the spec asks) every disk, then the CD-ROM. Throws
 * LauncherError: NOENT for a missing file, BUSY for a locked image, INVAL for a wrong
 * format or size, IO when qemu-img fails.
 */
export async function prepareMedia(
  spec: ManagedVmSpec,
  qemuImg = 'qemu-img',
): Promise<{ disks: PreparedDisk[]; cdrom?: string }> {
  const disks: PreparedDisk[] = [];
  for (const [i, d] of (spec.disks ?? []).entries())
    disks.push(await prepareDisk(qemuImg, d, `disks[${i}]`, spec.id));
  if (spec.cdrom !== undefined) {
    if (!fs.existsSync(spec.cdrom)) throw notFound('cdrom', spec.cdrom);
    try {
      fs.accessSync(spec.cdrom, fs.constants.R_OK);
    } catch {
      throw new LauncherError('invalid-spec', ErrorCode.PERM, `cdrom: ${spec.cdrom} is not readable`);
    }
  }
  return { disks, cdrom: spec.cdrom };
}

/**
 * Turns QEMU's lock failure on stderr ("-device virtio-blk-pci,drive=disk1: Failed to get
 * shared "write" lock") into the clear error naming the spec field, or undefined. qemu-img
 * info cannot see every lock (a raw image being written), QEMU's own open can.
 */
export function explainLockFailure(stderr: string, spec: ManagedVmSpec): LauncherError | undefined {
  const m = /(?:drive|id)=(disk(\d+)|cd0)\b[^\n]*Failed to get [^\n]*lock/.exec(stderr);
  if (!m) return undefined;
  const index = m[2] === undefined ? undefined : Number(m[2]);
  const at = index === undefined ? 'cdrom' : `disks[${index}].path`;
  const file = index === undefined ? spec.cdrom : spec.disks?.[index]?.path;
  return new LauncherError(
    'start-failed',
    ErrorCode.BUSY,
    `${at}: ${file ?? '(unknown)'} is locked by another process (another QEMU uses it?)`,
  );
}
