/*
 * A session's byte stream over NATS as a Node Duplex, so the very protocol code of the
 * Unix socket (the host's Connection, the CLI's WireClient) runs over the bus unchanged:
 * writes become messages on the outbound subject, messages on the inbound subject are
 * pushed as data. Core NATS keeps one publisher's order on one subject, so frames stay in
 * order; a lost message breaks framing, which the protocol's decoder detects.
 */
import { Duplex } from 'node:stream';

/** Where a stream's writes go; a publish that throws (connection closed) ends the stream. */
export type Publish = (data: Uint8Array) => void;

/** Largest message published at once (below nats-server's default max_payload of 1 MiB). */
const CHUNK = 512 * 1024;

/** One end of a session. `deliver` feeds it what arrived; `destroy` ends it (emits 'close'). */
export class SubjectStream extends Duplex {
  constructor(
    private readonly publish: Publish,
    /** Called once when the stream ends for any reason (send `fin`, stop timers). */
    private readonly onEnd: () => void,
  ) {
    super({ allowHalfOpen: false });
    this.once('close', () => this.onEnd());
  }

  /** Feeds bytes that arrived on the inbound subject. */
  deliver(data: Uint8Array): void {
    if (this.destroyed) return;
    this.push(Buffer.from(data));
  }

  /** Net.Socket compatibility: the protocol code sets no timeouts or keep-alives, but may ask. */
  setNoDelay(): this {
    return this;
  }

  override _read(): void {
    // Data is pushed as it arrives; the bus has no way to pause a publisher.
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    try {
      for (let at = 0; at < chunk.length; at += CHUNK) this.publish(chunk.subarray(at, at + CHUNK));
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _final(cb: (e?: Error | null) => void): void {
    cb();
    // Our side is done writing and the peer learns it through `fin`: nothing more comes back.
    setImmediate(() => this.destroy());
  }
}
