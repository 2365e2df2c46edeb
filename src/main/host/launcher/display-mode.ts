/*
 * Reads a running VM's display mode: QMP `screendump` in PPM format into a file of the VM's
 * private runtime directory, then the width and height from the PPM header. It reads only
 * the header and removes the file each time, so no screen image is left behind.
 */
import fs from 'node:fs';
import type { DisplayMode } from './boot-watchdog';

/** What it needs of a QMP client: one command. */
export type QmpExecute = (command: string, args?: object) => Promise<unknown>;

/** Width and height from a binary PPM (P6) header, or null when `head` is not one. */
export function parsePpmHeader(head: Buffer): DisplayMode | null {
  // P6, whitespace, width, whitespace, height; comments (#...) are not written by QEMU.
  const m = /^P6\s+(\d+)\s+(\d+)\s/.exec(head.subarray(0, 64).toString('latin1'));
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * Asks QEMU for a screendump into `file` and returns its mode; null when QEMU refuses
 * (no display yet, QMP down) or the file is not a PPM. Never throws.
 */
export async function readDisplayMode(execute: QmpExecute, file: string): Promise<DisplayMode | null> {
  try {
    await execute('screendump', { filename: file, format: 'ppm' });
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const head = Buffer.alloc(64);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      return parsePpmHeader(head.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
