/*
 * A byte queue for the RFB handshakes: chunks go in as a socket delivers them, `read(n)`
 * resolves with exactly n bytes. One reader at a time; a failure rejects the waiting read
 * and every later one. It never holds more than `limit` bytes (the peer is then cut off).
 */
import { ErrorCode, VmsigError } from '../../../shared/model';

/** Buffered bytes with awaitable exact reads. */
export class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(private readonly limit = 1 << 20) {}

  /** Bytes buffered now. */
  get length(): number {
    return this.buf.length;
  }

  /** Appends a chunk; over `limit` the queue fails with EXTENT. */
  push(chunk: Uint8Array): void {
    if (this.failure) return;
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    if (this.buf.length > this.limit) {
      this.fail(new VmsigError(ErrorCode.EXTENT, `peer sent more than ${this.limit} unread bytes`));
      return;
    }
    this.settle();
  }

  /** Fails the queue: the waiting read and every later one reject with `e`. */
  fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(e);
  }

  /** Exactly `n` bytes, once they arrived. Rejects if the queue failed first. */
  read(n: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiter) return Promise.reject(new VmsigError(ErrorCode.BUSY, 'one read at a time'));
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject };
      this.settle();
    });
  }

  /** Everything buffered, without waiting (the queue is then empty). */
  take(): Buffer {
    const out = this.buf;
    this.buf = Buffer.alloc(0);
    return out;
  }

  /** The buffered bytes, not consumed. */
  peek(): Buffer {
    return this.buf;
  }

  /** Drops the first `n` buffered bytes. */
  consume(n: number): void {
    this.buf = this.buf.subarray(n);
  }

  private settle(): void {
    const w = this.waiter;
    if (!w || this.buf.length < w.n) return;
    this.waiter = null;
    const out = Buffer.from(this.buf.subarray(0, w.n));
    this.buf = this.buf.subarray(w.n);
    w.resolve(out);
  }
}
