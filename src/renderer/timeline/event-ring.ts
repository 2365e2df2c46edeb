/*
 * The timeline's memory: the last `capacity` events as fixed 100-byte slots (origin + the
 * 96-byte body) in one ArrayBuffer, payloads in a side map, addressed by an absolute
 * sequence number. Live events are appended at 0, 1, 2, ...; journal history is prepended
 * below the oldest held number (-1, -2, ...), so a negative number means "from history".
 * It lives outside React state and never allocates per event beyond payloads.
 */
import { EVENT_BODY, type VmsigEvent, decodeEventBody } from '../../shared/model';

/** A slot: the u32 origin, then the body. */
const ORIGIN = 4;
const BODY = EVENT_BODY.size;
const SLOT = ORIGIN + BODY;

/** What a slot holds: a routed event (live or history), a replayed-state row, or a gap marker. */
export const RowKind = { EVENT: 0, STATE: 1, GAP: 2 } as const;

/** A bounded ring of packed events. */
export class EventRing {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly payloads = new Map<number, Uint8Array>();
  private readonly kinds: Uint8Array;
  /** Text of gap rows (how many events and which span are missing). */
  private readonly notes = new Map<number, string>();
  /** Per slot: which host the event is from (0 = this host; see hostOf). */
  private readonly hostIds: Uint8Array;
  private readonly hostNames: string[] = [''];
  private next = 0;
  private appendedEvents = 0;
  private lo = 0;

  constructor(readonly capacity = 100_000) {
    this.bytes = new Uint8Array(capacity * SLOT);
    this.view = new DataView(this.bytes.buffer);
    this.kinds = new Uint8Array(capacity);
    this.hostIds = new Uint8Array(capacity);
  }

  /** Whether any event of another fleet host was appended (the timeline then shows a host column). */
  get hasRemote(): boolean {
    return this.hostNames.length > 1;
  }

  /** The fleet host event `n` came from, or '' for this host. */
  hostOf(n: number): string {
    return this.hostNames[this.hostIds[this.index(n)]!] ?? '';
  }

  private hostId(host: string): number {
    if (host === '') return 0;
    let i = this.hostNames.indexOf(host);
    // 255 names fit a byte; a fleet beyond that shows the rest under the last name.
    if (i < 0 && this.hostNames.length < 256) i = this.hostNames.push(host) - 1;
    return i < 0 ? 255 : i;
  }

  /** Absolute number the next event will get; also the count ever appended. */
  get total(): number {
    return this.next;
  }

  /** Routed events appended so far (state and gap rows not counted). */
  get received(): number {
    return this.appendedEvents;
  }

  /** Oldest absolute number still held (negative once history was prepended). */
  get first(): number {
    return this.lo;
  }

  /** Events held now. */
  get size(): number {
    return this.next - this.lo;
  }

  /** Room left before an append evicts the oldest event (what a prepend may still add). */
  get free(): number {
    return this.capacity - this.size;
  }

  /** Appends one record body (96 bytes + payload) with its origin, evicting the oldest when full; returns its absolute number. */
  push(body: Uint8Array, origin: number, kind: number = RowKind.EVENT, host = ''): number {
    if (this.size === this.capacity) {
      this.payloads.delete(this.lo);
      this.notes.delete(this.lo++);
    }
    const n = this.next++;
    this.write(n, body, origin);
    this.kinds[this.index(n)] = kind;
    this.hostIds[this.index(n)] = this.hostId(host);
    if (kind === RowKind.EVENT) this.appendedEvents++;
    return n;
  }

  /** Appends a gap row saying what is missing (its body is all zeros). */
  pushGap(note: string): number {
    const n = this.push(EMPTY_BODY, 0, RowKind.GAP);
    this.notes.set(n, note);
    return n;
  }

  /** What slot `n` holds (RowKind). */
  rowKind(n: number): number {
    return this.kinds[this.index(n)]!;
  }

  /** The text of gap row `n`. */
  note(n: number): string {
    return this.notes.get(n) ?? '';
  }

  /** The corr field of `n` without decoding (u32). */
  corr(n: number): number {
    return this.view.getUint32(this.slotOf(n) + ORIGIN + EVENT_BODY.corr, true);
  }

  /** The control that originated `n` (0 = none). */
  origin(n: number): number {
    return this.view.getUint32(this.slotOf(n), true);
  }

  /** A copy of `n`'s body (96 bytes) and payload, or null when it was overwritten. */
  raw(n: number): Uint8Array | null {
    if (!this.has(n)) return null;
    const at = this.slotOf(n);
    const pl = this.payloads.get(n);
    const out = new Uint8Array(BODY + (pl ? pl.length : 0));
    out.set(this.bytes.subarray(at + ORIGIN, at + SLOT));
    if (pl) out.set(pl, BODY);
    return out;
  }

  /** The seq field of `n` without decoding (u32). */
  seq(n: number): number {
    return this.view.getUint32(this.slotOf(n) + ORIGIN + EVENT_BODY.seq, true);
  }

  /**
   * Puts one record just below the oldest held (an older history event); returns its number,
   * or null when the ring is full: a prepend never evicts, since the newest events are the
   * ones the operator is following.
   */
  unshift(body: Uint8Array, origin: number): number | null {
    if (this.size === this.capacity) return null;
    const n = --this.lo;
    this.write(n, body, origin);
    this.kinds[this.index(n)] = RowKind.EVENT;
    this.hostIds[this.index(n)] = 0;
    return n;
  }

  /** Puts a gap row just below the oldest held (history paging); null when the ring is full. */
  unshiftGap(note: string): number | null {
    const n = this.unshift(EMPTY_BODY, 0);
    if (n === null) return null;
    this.kinds[this.index(n)] = RowKind.GAP;
    this.notes.set(n, note);
    return n;
  }

  private index(n: number): number {
    return ((n % this.capacity) + this.capacity) % this.capacity;
  }

  private slotOf(n: number): number {
    return this.index(n) * SLOT;
  }

  private write(n: number, body: Uint8Array, origin: number): void {
    const at = this.slotOf(n);
    this.view.setUint32(at, origin >>> 0, true);
    // A byte loop, not set(subarray): at 50 000 events/s a view object per event is garbage.
    const dst = this.bytes;
    for (let i = 0; i < BODY; i++) dst[at + ORIGIN + i] = body[i]!;
    if (body.length > BODY) this.payloads.set(n, body.slice(BODY));
  }

  /** Whether `n` is still held. */
  has(n: number): boolean {
    return n >= this.lo && n < this.next;
  }

  /** The routing fields of `n` without decoding the rest (kind, source, dir, prio, endpoint). */
  header(n: number): { kind: number; source: number; dir: number; prio: number; endpoint: number } {
    const at = this.slotOf(n) + ORIGIN;
    const v = this.view;
    return {
      kind: v.getUint32(at + EVENT_BODY.kind, true),
      source: v.getUint32(at + EVENT_BODY.source, true),
      dir: v.getUint32(at + EVENT_BODY.dir, true),
      prio: v.getUint32(at + EVENT_BODY.prio, true),
      endpoint: v.getUint32(at + EVENT_BODY.endpoint, true),
    };
  }

  /** Decodes `n` into a full event (origin included), or null when it was overwritten. */
  get(n: number): VmsigEvent | null {
    if (!this.has(n)) return null;
    const at = this.slotOf(n);
    const pl = this.payloads.get(n);
    const body = new Uint8Array(BODY + (pl ? pl.length : 0));
    body.set(this.bytes.subarray(at + ORIGIN, at + SLOT));
    if (pl) body.set(pl, BODY);
    const ev = decodeEventBody(body);
    ev.origin = this.view.getUint32(at, true);
    return ev;
  }

  /** Forgets everything. */
  clear(): void {
    this.next = 0;
    this.lo = 0;
    this.appendedEvents = 0;
    this.payloads.clear();
    this.notes.clear();
  }
}

const EMPTY_BODY = new Uint8Array(BODY);
