/*
 * The durable journal: a core tap that writes every admitted event, with its origin's
 * principal and control name, to the segmented log before the core queues it to any
 * control (write-ahead for ACT_ACK). It never throws into the core: a write failure puts
 * it in a degraded state, reported once as an ERROR event, and it retries later.
 */
import { type Core, type Log, silentLog } from '../../core';
import { ErrorCode, Kind, Prio, type VmsigEvent, VmsigError, encodeErrorInl } from '../../../shared/model';
import { JournalReader } from './journal-reader';
import { type HostOpBody, RecordEncoder } from './journal-record';
import { DEFAULT_JOURNAL_POLICY, type JournalPolicy, type PendingSkips, RecordPolicy } from './record-policy';
import { RefusalLimit, type RefusalLimitOptions } from './refusal-limit';
import { type Durability, type OpenFindings, SegmentWriter } from './segment-writer';

/** Where and how the journal writes; every field but `dir` has a documented default. */
export interface JournalOptions {
  dir: string;
  /** Default `os`: survives kill -9 of the host, not a power cut. `fsync`: fdatasync per record. */
  durability?: Durability;
  /** Default 4 MiB: a reader paging back scans one whole segment when it crosses into it. */
  maxSegmentBytes?: number;
  /** Default 1 day. */
  maxSegmentAgeMs?: number;
  /** Disk budget for the whole directory; default 256 MiB. */
  maxTotalBytes?: number;
  /** Default 30 days. */
  maxAgeMs?: number;
  /** Default DEFAULT_JOURNAL_POLICY (cursor sampled, everything else kept). */
  policy?: JournalPolicy;
  /** Record CMD_INPUT key codes as REDACTED_KEY_CODE (default true: no typed password at rest). */
  redactKeys?: boolean;
  /** How long a degraded journal waits before it tries to write again; default 5 s. */
  retryMs?: number;
  /** Per-control cap on refusal records (default 64 at once, 8 per second). */
  refusalLimit?: RefusalLimitOptions;
  log?: Log;
  /** Wall clock, epoch ms; default Date.now. */
  now?: () => number;
}

/** `ok` writes; `degraded` lost a write and drops records until a retry succeeds; `closed` after close(). */
export type JournalState = 'ok' | 'degraded' | 'closed';

/** Counters for the UI, tests and benchmarks. */
export interface JournalStats {
  state: JournalState;
  /** Records written since open. */
  written: number;
  /** Events the policy left out (sampling, caps, `none`). */
  skipped: number;
  /** Admitted events that could not be written (degraded state, oversize). */
  lost: number;
  /** Refused commands not written because their control passed the refusal cap. */
  refusalsCapped: number;
  /** Record number of the next record; the segment being written. */
  nextRec: number;
  segment: string;
}

/** An open journal attached to a core. */
export interface Journal {
  readonly dir: string;
  readonly state: JournalState;
  /** What opening found: damage in the last segment and the bytes of a torn tail that were cut. */
  readonly findings: OpenFindings;
  stats(): JournalStats;
  /**
   * Record number the next journaled event will get. Taken in the same synchronous step as
   * a live subscription, it splits history (`before: nextRec()`) from the live tail exactly.
   */
  nextRec(): number;
  /**
   * Events sampled away or capped that no record accounts for yet, per kind and endpoint
   * (those left out since the last kept one; the next kept one will carry the count).
   */
  pendingSkips(): PendingSkips[];
  /** A reader on this journal's directory (one per journal: it caches segment scans). */
  reader(): JournalReader;
  /**
   * Writes a host operation (protocol §10) with the principal and name of control
   * `controlId` and `refused` (the gate's code, or null when admitted). False when it could
   * not be written: the host then refuses the operation IO instead of running it.
   */
  recordHostOp(controlId: number, refused: number | null, op: HostOpBody): boolean;
  /** Detaches from the core, flushes (fsync mode) and closes the segment. Idempotent. */
  close(): void;
}

const MiB = 1024 * 1024;
const DAY_MS = 24 * 3600 * 1000;
/** Control identities remembered after a control detached (its lease revocations come after). */
const IDENTITY_CACHE_MAX = 4096;

/**
 * Opens (creating) the journal in `opts.dir` and attaches it to `core`. A torn tail of the
 * last segment is cut; every damage found is logged and emitted on the core as an ERROR
 * event (code IO, detail = byte offset), which the journal itself records. Throws
 * VmsigError IO when the directory cannot be opened, INVAL for a bad policy.
 */
export function openJournal(core: Core, opts: JournalOptions): Journal {
  const log = opts.log ?? silentLog;
  const now = opts.now ?? Date.now;
  const durability = opts.durability ?? 'os';
  const policy = new RecordPolicy(opts.policy ?? DEFAULT_JOURNAL_POLICY, now, { keyCodes: opts.redactKeys });
  const retryMs = opts.retryMs ?? 5000;
  const refusals = new RefusalLimit(now, opts.refusalLimit);
  let opened: ReturnType<typeof SegmentWriter.open>;
  try {
    opened = SegmentWriter.open({
      dir: opts.dir,
      durability,
      maxSegmentBytes: opts.maxSegmentBytes ?? 4 * MiB,
      maxSegmentAgeMs: opts.maxSegmentAgeMs ?? DAY_MS,
      maxTotalBytes: opts.maxTotalBytes ?? 256 * MiB,
      maxAgeMs: opts.maxAgeMs ?? 30 * DAY_MS,
      now,
    });
  } catch (e) {
    throw new VmsigError(ErrorCode.IO, `cannot open journal in ${opts.dir}: ${String(e)}`);
  }
  const { writer, findings } = opened;
  const identities = new Map<number, { principal: number; name: string }>();
  const encoder = new RecordEncoder();
  let state: JournalState = 'ok';
  let written = 0;
  let lost = 0;
  let lostSinceDegraded = 0;
  let retryDue = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const report = (msg: string, detail: number): void => {
    // Emitted after the current routing step: emitting inside the tap would nest a route
    // in the middle of another event's fan-out.
    queueMicrotask(() => {
      if (state !== 'closed')
        core.emitCore({
          kind: Kind.ERROR,
          prio: Prio.URGENT,
          inln: encodeErrorInl({ code: ErrorCode.IO, detail, msg }),
        });
    });
  };

  const identity = (controlId: number): { principal: number; name: string } => {
    const spec = core.control(controlId)?.spec;
    if (!spec) return identities.get(controlId) ?? { principal: 0, name: '' };
    let id = identities.get(controlId);
    if (!id) {
      if (identities.size >= IDENTITY_CACHE_MAX) identities.delete(identities.keys().next().value!);
      id = { principal: spec.principal, name: spec.name };
      identities.set(controlId, id);
    }
    return id;
  };

  const fail = (e: unknown): void => {
    lost++;
    lostSinceDegraded++;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (state === 'ok') {
      state = 'degraded';
      log(
        'error',
        `journal: cannot write to ${opts.dir}/${writer.segment} (${String(e)}); records are lost until a retry in ${retryMs} ms succeeds`,
      );
      report(`journal write failed: ${code}`, 0);
    } else {
      log('warn', `journal: retry failed (${String(e)}); next retry in ${retryMs} ms`);
    }
    retryTimer = setTimeout(() => {
      retryDue = true;
    }, retryMs);
    retryTimer.unref?.();
  };

  // Returns false when `ev` was admitted but not written: the core then refuses the
  // command IO instead of executing it (write-ahead, protocol §10).
  // False while degraded with no retry due: the record is counted lost without a write.
  const writable = (): boolean => {
    if (state !== 'degraded' || retryDue) return true;
    lost++;
    lostSinceDegraded++;
    return false;
  };

  // Writes one encoded record (a fresh segment first when a retry is due); false when it failed.
  const append = (rec: Buffer, durable: boolean): boolean => {
    try {
      if (retryDue) {
        retryDue = false;
        // A fresh segment: the old one may be at a file size limit (EFBIG).
        writer.rotate();
      }
      writer.append(rec, durable);
      written++;
    } catch (e) {
      fail(e);
      return false;
    }
    if (state === 'degraded') {
      state = 'ok';
      log('info', `journal: writing again after losing ${lostSinceDegraded} records`);
      report(`journal resumed, ${lostSinceDegraded} lost`, lostSinceDegraded);
      lostSinceDegraded = 0;
    }
    return true;
  };

  const tap = (ev: VmsigEvent, refusedWith?: number): boolean => {
    if (state === 'closed' || !policy.admit(ev)) return true;
    if (refusedWith !== undefined) {
      if (!refusals.admit(ev.origin)) return true;
      // Who was refused what is the record; the payload would only let a refused control spend the disk budget.
      if (ev.payload !== null) ev = { ...ev, payload: null };
    }
    if (!writable()) return false;
    const who = ev.origin !== 0 ? identity(ev.origin) : { principal: 0, name: '' };
    let rec: Buffer;
    try {
      rec = encoder.encode(
        {
          rec: writer.nextRec,
          wallMs: now(),
          principal: who.principal,
          controlId: ev.origin,
          controlName: who.name,
          refused: refusedWith ?? null,
          skippedBefore: policy.takeSkipped(ev),
        },
        policy.recorded(ev),
      );
    } catch (e) {
      lost++;
      log('error', `journal: event kind ${ev.kind} seq ${ev.seq} not recorded: ${String(e)}`);
      return false;
    }
    return append(rec, policy.durable(ev));
  };

  // Host operations are not events: they come through this call, not the tap, and are
  // always kept (no sampling, no refusal cap: they are few and each one matters).
  const recordHostOp = (controlId: number, refused: number | null, op: HostOpBody): boolean => {
    if (state === 'closed' || !writable()) return false;
    const who = identity(controlId);
    const meta = { rec: writer.nextRec, wallMs: now(), principal: who.principal, controlId, refused };
    return append(encoder.encodeHostOp({ ...meta, controlName: who.name }, op), true);
  };

  const untap = core.addTap(tap);
  let reader: JournalReader | undefined;
  for (const d of findings.damage) {
    const what = d.tail ? `torn tail cut (${d.length} bytes)` : `corrupt bytes skipped (${d.length} bytes)`;
    log('error', `journal: ${what} in ${opts.dir}/${d.segment} at byte ${d.offset}: ${d.reason}`);
    report(
      `journal ${d.tail ? 'torn tail' : 'corrupt'} seg ${Number(d.segment.slice(4, 20))} @${d.offset}`,
      d.offset,
    );
  }

  return {
    dir: opts.dir,
    get state() {
      return state;
    },
    findings,
    stats: () => ({
      state,
      written,
      skipped: policy.skipped,
      lost,
      refusalsCapped: refusals.capped,
      nextRec: writer.nextRec,
      segment: writer.segment,
    }),
    nextRec: () => writer.nextRec,
    pendingSkips: () => policy.pendingSkips(),
    reader: () => (reader ??= new JournalReader(opts.dir)),
    recordHostOp,
    close() {
      if (state === 'closed') return;
      state = 'closed';
      untap();
      clearTimeout(retryTimer);
      try {
        writer.close();
      } catch (e) {
        log('error', `journal: closing ${opts.dir}/${writer.segment} failed: ${String(e)}`);
      }
    },
  };
}
