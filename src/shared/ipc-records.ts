/*
 * The compact form events take on their way to the renderer: one Uint8Array per tick of
 * records `u32 bodyLen, u32 origin, body` where body is the protocol §4 EVENT body (96 bytes
 * plus payload). About 104 bytes an event, no per-event object on the way. Never throws
 * on a well-formed batch; a truncated tail is ignored, not half-read.
 */
import { type VmsigEvent, decodeEventBody, eventBodySize, writeEventBody } from './model';

/** Bytes of the record header before the body. */
export const RECORD_HEADER = 8;

/** Packs events (with the control that originated each; 0 = none) into one batch. */
export function packEventRecords(events: readonly VmsigEvent[]): Uint8Array {
  const w = new EventRecordWriter();
  for (const ev of events) w.append(ev);
  return w.take();
}

/**
 * Appends records into one growing buffer, so a tick's events cost no allocation each.
 * The bytes are copied at append time: the event (and its payload) may be released after.
 */
export class EventRecordWriter {
  private buf = new Uint8Array(16 * 1024);
  private view = new DataView(this.buf.buffer);
  private at = 0;
  private n = 0;

  /** Records appended since the last take(). */
  get count(): number {
    return this.n;
  }

  /** Appends one event with its origin. */
  append(ev: VmsigEvent): void {
    const n = eventBodySize(ev);
    this.reserve(RECORD_HEADER + n);
    this.view.setUint32(this.at, n, true);
    this.view.setUint32(this.at + 4, ev.origin >>> 0, true);
    writeEventBody(ev, this.buf, this.at + RECORD_HEADER);
    this.at += RECORD_HEADER + n;
    this.n++;
  }

  /** Returns the batch so far (a copy) and starts a new one. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.at);
    this.at = 0;
    this.n = 0;
    return out;
  }

  private reserve(extra: number): void {
    if (this.at + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/** Calls `visit(body, origin)` for each record; `body` is a view into `batch`, valid during the call. */
export function forEachEventRecord(
  batch: Uint8Array,
  visit: (body: Uint8Array, origin: number) => void,
): number {
  const v = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  let at = 0;
  let count = 0;
  while (at + RECORD_HEADER <= batch.length) {
    const n = v.getUint32(at, true);
    const origin = v.getUint32(at + 4, true);
    if (n < 96 || at + RECORD_HEADER + n > batch.length) break;
    visit(batch.subarray(at + RECORD_HEADER, at + RECORD_HEADER + n), origin);
    at += RECORD_HEADER + n;
    count++;
  }
  return count;
}

/** Decodes a whole batch into events (with `origin` restored); for tests and small consumers. */
export function unpackEventRecords(batch: Uint8Array): VmsigEvent[] {
  const out: VmsigEvent[] = [];
  forEachEventRecord(batch, (body, origin) => {
    const ev = decodeEventBody(body);
    ev.origin = origin;
    out.push(ev);
  });
  return out;
}
