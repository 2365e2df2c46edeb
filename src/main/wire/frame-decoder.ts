/*
 * Streaming frame decoder (§2): bytes in, whole frames out, whatever the split or
 * coalescing of reads. It checks the header (size, type, flags) as soon as 8 bytes are
 * there, so an oversized frame is refused before its body is buffered; it never
 * buffers more than one frame, and it never interprets bodies.
 */
import { ErrorCode, VmsigError } from '../../shared/model';
import { DEFAULT_MAX_FRAME, type Frame, HEADER_SIZE, isFrameType } from './frame-header';

/** Reassembles frames from a byte stream; after a thrown error the decoder is dead. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
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
        const head = this.take(HEADER_SIZE);
        this.readHeader(head);
      }
      if (this.buffered < this.bodyLen) return;
      const body = this.take(this.bodyLen);
      const type = this.type;
      this.bodyLen = -1;
      this.startedAt = this.buffered > 0 ? this.now() : null;
      onFrame({ type, body });
    }
  }

  private readHeader(head: Buffer): void {
    const len = head.readUInt32LE(0);
    const type = head.readUInt16LE(4);
    const flags = head.readUInt16LE(6);
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

  /** Removes and returns the first `n` buffered bytes (joining chunks only when they span). */
  private take(n: number): Buffer {
    if (this.chunks.length > 1 && this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    this.buffered -= n;
    const first = this.chunks[0] ?? Buffer.alloc(0);
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    return out;
  }
}
