/*
 * Guest RAM through its backing file (memory-backend-file,share=on): reads and writes at
 * guest-physical addresses via the segment table. Node has no mmap, so every access is a
 * positioned read or write (pread/pwrite) on one file descriptor; the page cache makes
 * them as coherent with the running guest as a shared mapping. It never resizes the file.
 */
import fs from 'node:fs';
import { ErrorCode, type MemSeg, VmsigError } from '../../../shared/model';
import type { PhysReader } from './page-walk';
import { locateGpa, pcRamSegments } from './pc-ram-layout';

/** One write of `bytes` at a file offset (one pwrite). */
export interface FileChunk {
  fileOff: bigint;
  bytes: Uint8Array;
}

/** An open guest RAM file of a `pc` machine. */
export class RamFile implements PhysReader {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    readonly size: bigint,
    readonly segments: readonly MemSeg[],
  ) {
    this.fd = fd;
  }

  /** Opens `path` read-write; its size is the RAM size. Throws VmsigError NOENT/IO. */
  static open(path: string): RamFile {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r+');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? ErrorCode.NOENT : ErrorCode.IO;
      throw new VmsigError(code, `cannot open guest RAM file ${path}: ${(e as Error).message}`);
    }
    const size = BigInt(fs.fstatSync(fd).size);
    return new RamFile(path, fd, size, pcRamSegments(size));
  }

  /** Reads `len` bytes at `gpa`; undefined when any of them is not backed by RAM. */
  read(gpa: bigint, len: number): Buffer | undefined {
    const at = locateGpa(this.segments, gpa);
    if (!at || at.left < BigInt(len)) return undefined;
    const buf = Buffer.alloc(len);
    const n = fs.readSync(this.openFd(), buf, 0, len, Number(at.fileOff));
    return n === len ? buf : undefined;
  }

  /** Reads a little-endian u64 (a page-table entry). */
  readU64(gpa: bigint): bigint | undefined {
    return this.read(gpa, 8)?.readBigUInt64LE(0);
  }

  /** Writes each chunk with one pwrite; throws VmsigError IO on a short write. */
  write(chunks: readonly FileChunk[]): void {
    const fd = this.openFd();
    for (const c of chunks) {
      const n = fs.writeSync(fd, c.bytes, 0, c.bytes.length, Number(c.fileOff));
      if (n !== c.bytes.length)
        throw new VmsigError(ErrorCode.IO, `short write to ${this.path}: ${n} of ${c.bytes.length}`);
    }
  }

  /** Closes the descriptor; later accesses throw. Idempotent. */
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new VmsigError(ErrorCode.SEAM, `guest RAM file ${this.path} is closed`);
    return this.fd;
  }
}
