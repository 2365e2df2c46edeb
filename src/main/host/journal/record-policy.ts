/*
 * Which routed events the journal keeps, and what it leaves out of the ones it keeps.
 * Everything is kept by default except the high-rate cursor, which is sampled and
 * rate-capped. Commands and ACT_ACK can be kept or dropped per kind, never sampled: a
 * sampled command would lose the pairing with its ack that the write-ahead guarantee
 * promises. Key codes typed into a VM (passwords at a login prompt) are redacted by
 * default. It never writes; it answers yes or no and hands back the record's event.
 */
import {
  Dir,
  ErrorCode,
  InputKind,
  Kind,
  type VmsigEvent,
  VmsigError,
  decodeActAck,
  decodeInput,
  decodeInputHeld,
  encodeInput,
  encodeInputHeld,
} from '../../../shared/model';

/** What to keep of one kind. `maxPerSec` caps kept records per wall-clock second (after sampling). */
export type KindPolicy = ({ keep: 'all' } | { keep: 'none' } | { keep: 'sample'; every: number }) & {
  maxPerSec?: number;
};

/** Per-kind policies keyed by kind name (`CURSOR_STATE`); kinds not named are kept in full. */
export type JournalPolicy = Readonly<Partial<Record<keyof typeof Kind, KindPolicy>>>;

/** Keeps 1 cursor report in 10, at most 20 per second; every other kind in full. */
export const DEFAULT_JOURNAL_POLICY: JournalPolicy = {
  CURSOR_STATE: { keep: 'sample', every: 10, maxPerSec: 20 },
};

/** The key code a redacted CMD_INPUT KEY record carries (no real key has it). */
export const REDACTED_KEY_CODE = -1;
/** The code a redacted KEY entry of an INPUT_HELD record carries (u16). */
export const REDACTED_HELD_CODE = 0xffff;

/** What the journal leaves out of the records it keeps. */
export interface RedactionOptions {
  /** Key codes of CMD_INPUT KEY events and of KEY entries in INPUT_HELD (default true). */
  keyCodes?: boolean;
}

/** Events of one kind on one endpoint the policy left out since it last kept one (sampled or capped). */
export interface PendingSkips {
  kind: number;
  source: number;
  dir: number;
  prio: number;
  endpoint: number;
  count: number;
}

interface KindState {
  policy: KindPolicy;
  seen: number;
  windowStart: number;
  inWindow: number;
}

/** Applies a JournalPolicy to events; counts what it left out. */
export class RecordPolicy {
  private readonly byKind = new Map<number, KindState>();
  /** Events left out by sampling, `none` or a rate cap. */
  skipped = 0;
  /**
   * Left out per (kind, endpoint) since the last kept one, for the kinds a policy samples or
   * caps: the next kept record of that kind and endpoint carries the count (skippedBefore),
   * so a reader can say how many events the journal cannot supply and where.
   */
  private readonly pending = new Map<number, PendingSkips>();

  private readonly redactKeys: boolean;

  /** Throws VmsigError INVAL for an unknown kind name, a bad rate, or sampling a command or ACT_ACK. */
  constructor(
    policy: JournalPolicy,
    private readonly now: () => number,
    redaction: RedactionOptions = {},
  ) {
    this.redactKeys = redaction.keyCodes ?? true;
    for (const [name, p] of Object.entries(policy)) {
      if (!p) continue;
      const kind = Kind[name as keyof typeof Kind];
      if (kind === undefined)
        throw new VmsigError(ErrorCode.INVAL, `journal policy names unknown kind ${name}`);
      const pairsWithAck = name.startsWith('CMD_') || kind === Kind.ACT_ACK;
      if (pairsWithAck && (p.keep === 'sample' || p.maxPerSec !== undefined)) {
        throw new VmsigError(
          ErrorCode.INVAL,
          `journal policy for ${name}: commands and ACT_ACK are kept ('all') or dropped ('none'), never sampled`,
        );
      }
      if (p.keep === 'sample' && !(Number.isInteger(p.every) && p.every >= 1))
        throw new VmsigError(ErrorCode.INVAL, `journal policy for ${name}: every must be an integer >= 1`);
      if (p.maxPerSec !== undefined && !(p.maxPerSec >= 0))
        throw new VmsigError(ErrorCode.INVAL, `journal policy for ${name}: maxPerSec must be >= 0`);
      this.byKind.set(kind, { policy: p, seen: 0, windowStart: 0, inWindow: 0 });
    }
  }

  /** Whether `ev` is journaled. An ACT_ACK follows its command kind's `none`. */
  admit(ev: VmsigEvent): boolean {
    if (this.byKind.size === 0) return true;
    const st = this.byKind.get(ev.kind);
    if (ev.kind === Kind.ACT_ACK && this.byKind.get(decodeActAck(ev.inln).cmdKind)?.policy.keep === 'none')
      return this.skip();
    if (!st) return true;
    const p = st.policy;
    if (p.keep === 'none') return this.skip();
    if (p.keep === 'sample' && st.seen++ % p.every !== 0) return this.skip(ev);
    if (p.maxPerSec !== undefined) {
      const t = this.now();
      if (t - st.windowStart >= 1000) {
        st.windowStart = t;
        st.inWindow = 0;
      }
      if (st.inWindow >= p.maxPerSec) return this.skip(ev);
      st.inWindow++;
    }
    return true;
  }

  /**
   * How many events of `ev`'s kind on `ev`'s endpoint were sampled away or capped since the
   * last one kept, and restarts that count: call once for each admitted event as it is
   * recorded. (A `none` kind has no record to carry a count; it is simply not journaled.)
   */
  takeSkipped(ev: VmsigEvent): number {
    if (this.pending.size === 0) return 0;
    const key = skipKey(ev.kind, ev.endpoint);
    const p = this.pending.get(key);
    if (!p) return 0;
    this.pending.delete(key);
    return p.count;
  }

  /** The counts no kept record carries yet (events left out since the last kept one of their kind and endpoint). */
  pendingSkips(): PendingSkips[] {
    return [...this.pending.values()].map((p) => ({ ...p }));
  }

  /** Whether a kept `ev` must be on stable storage before the tap returns (in fsync mode): all but sampled kinds. */
  durable(ev: VmsigEvent): boolean {
    const p = this.byKind.get(ev.kind)?.policy;
    return p === undefined || (p.keep === 'all' && p.maxPerSec === undefined) || ev.dir === Dir.DOWN;
  }

  /**
   * The event as the journal records it: with key redaction on, a CMD_INPUT KEY keeps its
   * press/release but its code becomes REDACTED_KEY_CODE, and INPUT_HELD's KEY entries
   * become REDACTED_HELD_CODE. Mouse buttons, motion and every other kind are unchanged.
   * Never modifies `ev` (the live copy still goes to its subscribers).
   */
  recorded(ev: VmsigEvent): VmsigEvent {
    if (!this.redactKeys) return ev;
    if (ev.kind === Kind.CMD_INPUT) {
      const input = decodeInput(ev.inln);
      if (input.kind !== InputKind.KEY) return ev;
      return { ...ev, inln: encodeInput({ ...input, code: REDACTED_KEY_CODE }) };
    }
    if (ev.kind === Kind.INPUT_HELD) {
      const held = decodeInputHeld(ev.inln);
      if (!held.entries.some((e) => e.kind === InputKind.KEY)) return ev;
      const entries = held.entries.map((e) =>
        e.kind === InputKind.KEY ? { ...e, code: REDACTED_HELD_CODE } : e,
      );
      const inln = encodeInputHeld(entries);
      // encodeInputHeld sets TRUNC from the count it is given; keep the original's flag.
      new DataView(inln.buffer, inln.byteOffset).setUint32(4, held.flags, true);
      return { ...ev, inln };
    }
    return ev;
  }

  private skip(ev?: VmsigEvent): false {
    this.skipped++;
    if (ev) {
      const key = skipKey(ev.kind, ev.endpoint);
      const p = this.pending.get(key);
      if (p) p.count++;
      else
        this.pending.set(key, {
          kind: ev.kind,
          source: ev.source,
          dir: ev.dir,
          prio: ev.prio,
          endpoint: ev.endpoint,
          count: 1,
        });
    }
    return false;
  }
}

/** One number per (kind, endpoint): kinds are below 2^16 and endpoints are u32. */
const skipKey = (kind: number, endpoint: number): number => kind * 0x1_0000_0000 + (endpoint >>> 0);
