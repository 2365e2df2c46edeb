/*
 * The timeline's memory: the last `capacity` events as fixed 100-byte slots (origin + the
 * 96-byte body) in one ArrayBuffer, payloads in a side map, addressed by an absolute
 * sequence number. It lives outside React state and never allocates per event beyond payloads.
 */
import { type VmsigEvent, decodeEventBody } from '../../shared/model';

const SLOT = 100;
const BODY = 96;

/** A bounded ring of packed events. */
export class EventRing {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly payloads = new Map<number, Uint8Array>();
  private next = 0;

  constructor(readonly capacity = 100_000) {
    this.bytes = new Uint8Array(capacity * SLOT);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Absolute number the next event will get; also the count ever appended. */
  get total(): number {
    return this.next;
  }

  /** Oldest absolute number still held. */
  get first(): number {
    return Math.max(0, this.next - this.capacity);
  }

  /** Appends one record body (96 bytes + payload) with its origin; returns its absolute number. */
  push(body: Uint8Array, origin: number): number {
    const n = this.next++;
    const slot = n % this.capacity;
    const at = slot * SLOT;
    this.view.setUint32(at, origin >>> 0, true);
    this.bytes.set(body.subarray(0, BODY), at + 4);
    if (n >= this.capacity) this.payloads.delete(n - this.capacity);
    if (body.length > BODY) this.payloads.set(n, body.slice(BODY));
    return n;
  }

  /** Whether `n` is still held. */
  has(n: number): boolean {
    return n >= this.first && n < this.next;
  }

  /** The routing fields of `n` without decoding the rest (kind, source, dir, prio, endpoint). */
  header(n: number): { kind: number; source: number; dir: number; prio: number; endpoint: number } {
    const at = (n % this.capacity) * SLOT + 4;
    const v = this.view;
    return {
      kind: v.getUint32(at, true),
      source: v.getUint32(at + 4, true),
      dir: v.getUint32(at + 8, true),
      prio: v.getUint32(at + 12, true),
      endpoint: v.getUint32(at + 16, true),
    };
  }

  /** Decodes `n` into a full event (origin included), or null when it was overwritten. */
  get(n: number): VmsigEvent | null {
    if (!this.has(n)) return null;
    const at = (n % this.capacity) * SLOT;
    const pl = this.payloads.get(n);
    const body = new Uint8Array(BODY + (pl ? pl.length : 0));
    body.set(this.bytes.subarray(at + 4, at + 4 + BODY));
    if (pl) body.set(pl, BODY);
    const ev = decodeEventBody(body);
    ev.origin = this.view.getUint32(at, true);
    return ev;
  }

  /** Forgets everything. */
  clear(): void {
    this.next = 0;
    this.payloads.clear();
  }
}
