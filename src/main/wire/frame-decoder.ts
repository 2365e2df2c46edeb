/*
 * Streaming frame decoder (§2): bytes in, whole frames out, whatever the split or
 * coalescing of reads. It checks the header (size, type, flags) as soon as 8 bytes are
 * there, so an oversized frame is refused before its body is buffered; it never
 * buffers more than one frame, and it never interprets bodies.
 */
import { ErrorCode, VmsigError } from '../../shared/model';
import { DEFAULT_MAX_FRAME, type Frame, HEADER_SIZE, isFrameType } from './frame-header';

const EMPTY: Buffer = Buffer.alloc(0);

/** Reassembles frames from a byte stream; after a thrown error the decoder is dead. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  /** Read offset into chunks[0]: consumed bytes are skipped, never re-sliced. */
  private off = 0;
  private buffered = 0;
  /** Body length of the frame whose header has been read, or -1. */
  private bodyLen = -1;
  private type = 0;
  private startedAt: number | null = null;
  private dead = false;

  constructor(
    private readonly maxFrame = DEFAULT_MAX_FRAME,
    private readonly now: () => number = Date.now,
  ) {}

  /** Time (per `now`) the first byte of the incomplete frame arrived, or null when none is pending. */
  get partialSince(): number | null {
    return this.startedAt;
  }

  /** Bytes held for the incomplete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Feeds bytes; calls `onFrame` for each complete frame in order. Throws VmsigError
   * TOO_LARGE / BAD_FRAME at the first bad header (frames before it were delivered).
   */
  push(chunk: Uint8Array, onFrame: (f: Frame) => void): void {
    if (this.dead) throw new VmsigError(ErrorCode.BAD_FRAME, 'decoder already failed');
    if (chunk.length === 0) return;
    if (this.buffered === 0) this.startedAt = this.now();
    this.chunks.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
    );
    this.buffered += chunk.length;
    for (;;) {
      if (this.bodyLen < 0) {
        if (this.buffered < HEADER_SIZE) return;
        this.readHeader(this.contiguous(HEADER_SIZE), this.off);
        this.skip(HEADER_SIZE);
      }
      if (this.buffered < this.bodyLen) return;
      let body = EMPTY;
      if (this.bodyLen > 0) {
        const first = this.contiguous(this.bodyLen);
        body = first.subarray(this.off, this.off + this.bodyLen);
        this.skip(this.bodyLen);
      }
      const type = this.type;
      this.bodyLen = -1;
      this.startedAt = this.buffered > 0 ? this.now() : null;
      onFrame({ type, body });
    }
  }

  private readHeader(buf: Buffer, at: number): void {
    const len = buf.readUInt32LE(at);
    const type = buf.readUInt16LE(at + 4);
    const flags = buf.readUInt16LE(at + 6);
    this.dead = true;
    if (len > this.maxFrame)
      throw new VmsigError(
        ErrorCode.TOO_LARGE,
        `frame body of ${len} bytes exceeds max_frame ${this.maxFrame}`,
      );
    if (flags !== 0)
      throw new VmsigError(ErrorCode.BAD_FRAME, `frame flags must be 0 in v1, got 0x${flags.toString(16)}`);
    if (!isFrameType(type)) throw new VmsigError(ErrorCode.BAD_FRAME, `unknown frame type ${type}`);
    this.dead = false;
    this.bodyLen = len;
    this.type = type;
  }

  /** chunks[0] holding at least `n` unread bytes from `off` (joining chunks only when they span). */
  private contiguous(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length - this.off >= n) return first;
    this.chunks = [Buffer.concat([first.subarray(this.off), ...this.chunks.slice(1)])];
    this.off = 0;
    return this.chunks[0]!;
  }

  /** Consumes `n` bytes of chunks[0] (which holds them). */
  private skip(n: number): void {
    this.off += n;
    this.buffered -= n;
    if (this.off === this.chunks[0]!.length) {
      this.chunks.shift();
      this.off = 0;
    }
  }
}
