/*
 * Which routed events the journal keeps. Everything is kept by default except the
 * high-rate cursor, which is sampled and rate-capped. Commands and ACT_ACK can be kept or
 * dropped per kind, never sampled: a sampled command would lose the pairing with its ack
 * that the write-ahead guarantee promises. It never writes; it only answers yes or no.
 */
import { Dir, ErrorCode, Kind, type VmsigEvent, VmsigError, decodeActAck } from '../../../shared/model';

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

  /** Throws VmsigError INVAL for an unknown kind name, a bad rate, or sampling a command or ACT_ACK. */
  constructor(
    policy: JournalPolicy,
    private readonly now: () => number,
  ) {
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
    if (p.keep === 'sample' && st.seen++ % p.every !== 0) return this.skip();
    if (p.maxPerSec !== undefined) {
      const t = this.now();
      if (t - st.windowStart >= 1000) {
        st.windowStart = t;
        st.inWindow = 0;
      }
      if (st.inWindow >= p.maxPerSec) return this.skip();
      st.inWindow++;
    }
    return true;
  }

  /** Whether a kept `ev` must be on stable storage before the tap returns (in fsync mode): all but sampled kinds. */
  durable(ev: VmsigEvent): boolean {
    const p = this.byKind.get(ev.kind)?.policy;
    return p === undefined || (p.keep === 'all' && p.maxPerSec === undefined) || ev.dir === Dir.DOWN;
  }

  private skip(): false {
    this.skipped++;
    return false;
  }
}
