// Per-window streams through the console service: the state replayed on events.subscribe
// goes to the subscribing window alone and only where its journal history lacks it, and a
// late window's history and live stream split exactly at its mark.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackEventRecords } from '../../../shared/ipc-records';
import type { InvokeResponse, IpcResult, PushMap } from '../../../shared/ipc';
import {
  Cap,
  ErrorCode,
  Kind,
  Prio,
  Source,
  VmState,
  decodeErrorInl,
  encodeCursor,
  encodeErrorInl,
  encodeVmState,
} from '../../../shared/model';
import { addSeam } from '../../../../test/helpers/core-rig';
import { standInHost } from '../../../../test/helpers/stand-in-host';
import { openJournal } from '../journal';
import { ConsoleService, type PushSink } from './console-service';
import type { ConsoleHostPort } from './host-port';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

/** A core with VM 1 whose INPUT seam came up before the journal opened and whose lifecycle after. */
function setup(withJournal: boolean, journalOpts: { maxSegmentBytes?: number; maxTotalBytes?: number } = {}) {
  const stand = standInHost();
  const { core } = stand;
  const vmhost = addSeam(core, 1, Source.VMHOST, Prio.HIGH).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-hp-'));
  const journal = withJournal ? openJournal(core, { dir, ...journalOpts }) : null;
  const host: ConsoleHostPort = {
    ...stand,
    journal: () => journal,
    consoleControl: () => ({ ...stand.consoleControl()!, caps: Cap.OBSERVE | Cap.LIFECYCLE }),
  };
  const svc = new ConsoleService(host, { tickMs: 5 });
  svc.start();
  stops.push(() => {
    svc.stop();
    journal?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  vmhost.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: VmState.RUNNING, detail: 0 }) });
  const sink = (): PushSink & { got: Uint8Array[] } => {
    const got: Uint8Array[] = [];
    return {
      eventsEnabled: false,
      got,
      push: (ch, p) => void (ch === 'events' && got.push(p as PushMap['events'])),
    };
  };
  return { svc, sink, vmhost, core };
}

const kinds = (b64: string): number[] =>
  unpackEventRecords(new Uint8Array(Buffer.from(b64, 'base64'))).map((e) => e.kind);
type Sub = IpcResult<InvokeResponse<'events.subscribe'>>;
type Hist = IpcResult<InvokeResponse<'history.query'>>;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('replayed state on events.subscribe', () => {
  it('goes to the subscriber alone, only for what its journal history lacks', async () => {
    const t = setup(true);
    const first = t.sink();
    t.svc.addSink(first);
    const a = (await t.svc.dispatch('events.subscribe', { enabled: true }, first)) as Sub;
    await wait(30);
    const second = t.sink();
    t.svc.addSink(second);
    const b = (await t.svc.dispatch('events.subscribe', { enabled: true }, second)) as Sub;
    await wait(30);
    if (!a.ok || !b.ok) throw new Error('subscribe failed');
    // The seam came up before the journal opened: only it is state; the lifecycle is history.
    expect(kinds(a.value.state)).toEqual([Kind.SEAM_UP]);
    expect(kinds(b.value.state)).toEqual([Kind.SEAM_UP]);
    const hist = (await t.svc.dispatch('history.query', { limit: 10 }, second)) as Hist;
    if (!hist.ok) throw new Error('history failed');
    expect(kinds(hist.value.records)).toEqual([Kind.VM_LIFECYCLE]);
    // The second subscribe replayed nothing into the first window's live stream.
    expect(first.got.flatMap((g) => unpackEventRecords(g))).toEqual([]);
    expect(a.value.run).toBe(b.value.run);
    expect(b.value.mark).toBeGreaterThanOrEqual(a.value.mark!);
  });

  it('sends all the state without a journal, and names no mark', async () => {
    const t = setup(false);
    const s = t.sink();
    t.svc.addSink(s);
    const r = (await t.svc.dispatch('events.subscribe', { enabled: true }, s)) as Sub;
    if (!r.ok) throw new Error('subscribe failed');
    expect(kinds(r.value.state)).toEqual([Kind.SEAM_UP, Kind.VM_LIFECYCLE]);
    expect(r.value.mark).toBeNull();
    expect(r.value.seq).toBe(2);
  });
});

describe('a late renderer', () => {
  it('splits its history from its live stream exactly, and pages back with the cursor', async () => {
    const t = setup(true);
    const first = t.sink();
    first.eventsEnabled = true;
    t.svc.addSink(first);
    const emit = (i: number) =>
      t.vmhost.emit({
        kind: Kind.ERROR,
        inln: encodeErrorInl({ code: ErrorCode.IO, detail: i, msg: `n${i}` }),
      });
    const details = (batches: Uint8Array[]) =>
      batches
        .flatMap((b) => unpackEventRecords(b))
        .filter((e) => e.kind === Kind.ERROR)
        .map((e) => decodeErrorInl(e.inln).detail);
    const recordsOf = (page: Hist) => {
      if (!page.ok) throw new Error(page.error.message);
      return page.value;
    };
    for (let i = 1; i <= 7; i++) emit(i);
    await wait(20);
    // 8..10 are routed and queued for the console but not yet drained when the late renderer subscribes.
    for (let i = 8; i <= 10; i++) emit(i);
    const late = t.sink();
    t.svc.addSink(late);
    await t.svc.dispatch('events.subscribe', { enabled: true }, late);
    for (let i = 11; i <= 13; i++) emit(i);
    await wait(30);
    const pages: number[][] = [];
    let before: number | undefined;
    for (;;) {
      const v = recordsOf(
        (await t.svc.dispatch(
          'history.query',
          { limit: 4, ...(before === undefined ? {} : { before }) },
          late,
        )) as Hist,
      );
      pages.unshift(details([new Uint8Array(Buffer.from(v.records, 'base64'))]));
      if (v.cursor === null) break;
      before = v.cursor;
    }
    expect(pages.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(details(late.got)).toEqual([11, 12, 13]);
    // The first renderer saw everything live, once.
    expect(details(first.got)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);

    // Subscribing again on the same sink (an Electron window reload) moves its mark: what was
    // routed before is history now, not live.
    emit(14);
    late.got.length = 0;
    await t.svc.dispatch('events.subscribe', { enabled: true }, late);
    emit(15);
    await wait(30);
    const again = recordsOf((await t.svc.dispatch('history.query', { limit: 2 }, late)) as Hist);
    expect(details([new Uint8Array(Buffer.from(again.records, 'base64'))])).toEqual([13, 14]);
    expect(details(late.got)).toEqual([15]);
  });
});

describe('events the journal sampled away', () => {
  it('are counted per history record and pending at the mark, for the VMs the console sees only', async () => {
    const t = setup(true);
    t.core.addEndpoint(2, 'other');
    const [one, two] = [
      addSeam(t.core, 1, Source.FRAME, Prio.BULK).port,
      addSeam(t.core, 2, Source.FRAME, Prio.BULK).port,
    ];
    const move = (a: typeof one, i: number) =>
      a.emit({ kind: Kind.CURSOR_STATE, inln: encodeCursor({ x: i, y: 0, visible: 1, seq: i }) });
    // The default policy keeps 1 cursor report in 10: VM 1 keeps reports 0, 10, 20 of its 25;
    // VM 2 (outside the console's grant) keeps 2 of its 25.
    for (let i = 0; i < 25; i++) move(one, i);
    for (let i = 0; i < 25; i++) move(two, i);
    const s = t.sink();
    t.svc.addSink(s);
    const sub = (await t.svc.dispatch('events.subscribe', { enabled: true }, s)) as Sub;
    const hist = (await t.svc.dispatch('history.query', { limit: 100 }, s)) as Hist;
    if (!sub.ok || !hist.ok) throw new Error('subscribe or history failed');
    // Reports 21–24 of VM 1 are behind the last kept one: no record counts them yet.
    expect(sub.value.sampled).toBe(4);
    const ks = kinds(hist.value.records);
    const triples = hist.value.sampled;
    const counted = [];
    for (let k = 0; k < triples.length; k += 3) counted.push([ks[triples[k]!], triples[k + 1]]);
    expect(counted).toEqual([
      [Kind.CURSOR_STATE, 9],
      [Kind.CURSOR_STATE, 9],
    ]);
    // A fresh journal numbers its records from 1; nothing was deleted.
    expect(hist.value.firstRec).toBe(1);
  });
});

describe('records retention deleted', () => {
  it('are named by the oldest record left, which the last history page reaches', async () => {
    const t = setup(true, { maxSegmentBytes: 4096, maxTotalBytes: 16384 });
    for (let i = 0; i < 600; i++)
      t.vmhost.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: VmState.RUNNING, detail: i }) });
    const s = t.sink();
    t.svc.addSink(s);
    const sub = (await t.svc.dispatch('events.subscribe', { enabled: true }, s)) as Sub;
    if (!sub.ok) throw new Error('subscribe failed');
    let cursor: number | null | undefined;
    let last: Hist | undefined;
    let shown = 0;
    do {
      last = (await t.svc.dispatch(
        'history.query',
        cursor === undefined ? { limit: 100 } : { limit: 100, before: cursor },
        s,
      )) as Hist;
      if (!last.ok) throw new Error('history failed');
      shown += last.value.count;
      cursor = last.value.cursor;
    } while (cursor !== null);
    if (!last.ok) throw new Error('history failed');
    // Records are numbered from 1: everything below the oldest left was deleted, and what
    // paging showed is exactly what is left below the mark.
    const firstRec = last.value.firstRec!;
    expect(firstRec).toBeGreaterThan(1);
    expect(shown).toBe(sub.value.mark! - firstRec);
  });
});
