/*
 * Journal benchmarks, each beside its baseline from the same run: write throughput with
 * the durability policy on (os, and fsync) against plain buffered appends of the same
 * bytes (the ceiling), the same through a core against the core alone, and the command
 * round trip (submit → adapter ack → drained) with and without the journal. Runs on the
 * file system of os.tmpdir().
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, Kind, Source, VmState, encodeVmState } from '../src/shared/model';
import { type Durability, type Journal, openJournal } from '../src/main/host/journal';
import { RecordEncoder } from '../src/main/host/journal/journal-record';
import { SegmentWriter } from '../src/main/host/journal/segment-writer';
import { makeJournalRig } from '../test/helpers/journal-rig';

/** The runner's reporter: one figure with its unit and an optional note. */
export type Report = (name: string, value: number, unit: string, note?: string) => void;

const now = (): number => performance.now();

type Rig = ReturnType<typeof makeJournalRig>;

/** Runs `measure` on a fresh rig in a scratch directory, with a journal there unless `durability` is none; removes the directory after. */
function withJournal<T>(
  prefix: string,
  durability: Durability | 'none',
  measure: (rig: Rig, journal: Journal | null) => T,
): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const rig = makeJournalRig('sync');
    const journal =
      durability === 'none' ? null : openJournal(rig.core, { dir, durability, maxSegmentBytes: 64 << 20 });
    const out = measure(rig, journal);
    journal?.close();
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One routed VM_LIFECYCLE event and its record metadata: the bytes every write benchmark encodes. */
function sampleRecord(rig: Rig) {
  const ev = rig.adapter.emit({
    kind: Kind.VM_LIFECYCLE,
    source: Source.VMHOST,
    inln: encodeVmState({ state: VmState.RUNNING, detail: 0 }),
  });
  const meta = { rec: 1, wallMs: Date.now(), principal: 0, controlId: 0, controlName: '', refused: null };
  return { ev, meta, encoder: new RecordEncoder() };
}

/** Records/s of the journal on a core: VM_LIFECYCLE events emitted by an adapter, each journaled. */
function journalThroughput(durability: Durability | 'none', n: number): number {
  return withJournal('vmsig-bench-journal-', durability, (rig, journal) => {
    const inln = encodeVmState({ state: VmState.RUNNING, detail: 0 });
    const t0 = now();
    for (let i = 0; i < n; i++) {
      rig.adapter.emit({ kind: Kind.VM_LIFECYCLE, inln });
      if ((i & 255) === 0) rig.drain();
    }
    const dt = now() - t0;
    if (journal && journal.stats().written !== n)
      throw new Error(`journal wrote ${journal.stats().written} of ${n}`);
    return (n / dt) * 1000;
  });
}

/** Records/s of the journal's segment writer alone (same encoder, same bytes as the ceiling), one write() per record. */
function writerOnly(durability: Durability, n: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'vmsig-bench-writer-'));
  try {
    const { ev, meta, encoder } = sampleRecord(makeJournalRig('sync'));
    const { writer } = SegmentWriter.open({
      dir,
      durability,
      maxSegmentBytes: 4 << 20,
      maxSegmentAgeMs: 86_400_000,
      maxTotalBytes: 1 << 30,
      maxAgeMs: 86_400_000,
      now: Date.now,
    });
    const t0 = now();
    for (let i = 0; i < n; i++) writer.append(encoder.encode({ ...meta, rec: writer.nextRec }, ev), true);
    const dt = now() - t0;
    writer.close();
    return (n / dt) * 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records/s of plain buffered appends (64 KiB buffer, one write per full buffer) of the same encoded records. */
function bufferedCeiling(n: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'vmsig-bench-ceiling-'));
  try {
    const { ev, meta, encoder } = sampleRecord(makeJournalRig('sync'));
    const fd = openSync(join(dir, 'plain.bin'), 'a');
    const buf = Buffer.allocUnsafe(64 * 1024);
    let used = 0;
    const t0 = now();
    for (let i = 0; i < n; i++) {
      // The same bytes the journal writes, encoded the same way, so only the write strategy differs.
      const rec = encoder.encode({ ...meta, rec: i + 1 }, ev);
      if (used + rec.length > buf.length) {
        writeSync(fd, buf, 0, used);
        used = 0;
      }
      rec.copy(buf, used);
      used += rec.length;
    }
    writeSync(fd, buf, 0, used);
    const dt = now() - t0;
    closeSync(fd);
    return (n / dt) * 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean µs per command round trip: submit CMD_VM → adapter acks inside handle → control drains the ack. */
function roundTrip(durability: Durability | 'none', n: number): number {
  return withJournal('vmsig-bench-rt-', durability, (rig) => {
    rig.drain();
    rig.received.length = 0;
    const t0 = now();
    for (let i = 1; i <= n; i++) {
      rig.submitVm(i);
      rig.drain();
    }
    const dt = now() - t0;
    const acks = rig.received.filter((e) => e.kind === Kind.ACT_ACK).length;
    if (acks !== n || rig.received.some((e) => e.kind === Kind.ERROR && e.inln[0] === ErrorCode.IO))
      throw new Error(`round trip: ${acks} acks of ${n}`);
    return (dt * 1000) / n;
  });
}

/** Runs every journal benchmark and reports its figures. */
export async function run(report: Report): Promise<void> {
  const N = 200_000;
  const NSYNC = 2_000;
  journalThroughput('os', 20_000); // warm-up: JIT and page cache
  const ceiling = bufferedCeiling(N);
  report(
    'journal.ceiling.buffered-append',
    Math.round(ceiling),
    'records/s',
    'same encoded records, 64 KiB buffered writes, no core',
  );
  const wOs = writerOnly('os', N);
  report(
    'journal.writer.os',
    Math.round(wOs),
    'records/s',
    `segment writer alone, durability os (write() per record, 4 MiB rotation); ${((wOs / ceiling) * 100).toFixed(0)}% of the ceiling ${Math.round(ceiling)}`,
  );
  const wSync = writerOnly('fsync', NSYNC);
  report(
    'journal.writer.fsync',
    Math.round(wSync),
    'records/s',
    `segment writer alone, durability fsync (write()+fdatasync per record); ceiling ${Math.round(ceiling)}`,
  );
  const coreOnly = journalThroughput('none', N);
  report(
    'journal.core-only.emit',
    Math.round(coreOnly),
    'events/s',
    'the same emits routed by the core without a journal',
  );
  const os = journalThroughput('os', N);
  report(
    'journal.core+journal.os',
    Math.round(os),
    'records/s',
    `events routed by the core and journaled (os); core alone ${Math.round(coreOnly)} events/s`,
  );
  const fsync = journalThroughput('fsync', NSYNC);
  report(
    'journal.core+journal.fsync',
    Math.round(fsync),
    'records/s',
    `events routed by the core and journaled (fsync); core alone ${Math.round(coreOnly)} events/s`,
  );
  const NRT = 50_000;
  roundTrip('none', 5_000);
  const rtNone = roundTrip('none', NRT);
  report(
    'journal.roundtrip.none',
    Number(rtNone.toFixed(2)),
    'µs',
    'submit → ack → drained, no journal (baseline)',
  );
  const rtOs = roundTrip('os', NRT);
  report(
    'journal.roundtrip.os',
    Number(rtOs.toFixed(2)),
    'µs',
    `with journal (os): 2 records per command; +${(rtOs - rtNone).toFixed(2)} µs over the baseline ${rtNone.toFixed(2)} µs`,
  );
  const rtSync = roundTrip('fsync', NSYNC / 2);
  report(
    'journal.roundtrip.fsync',
    Number(rtSync.toFixed(1)),
    'µs',
    `with journal (fsync): 2 fdatasync per command; baseline ${rtNone.toFixed(2)} µs`,
  );
}

// Standalone: `npx tsx bench/journal.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  await run((name, value, unit, note) =>
    console.log(`${name.padEnd(34)} ${String(value).padStart(12)} ${unit.padEnd(10)} ${note ?? ''}`),
  );
}
