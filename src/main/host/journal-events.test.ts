/*
 * `journal.events` against a real core and a real journal on disk: this run's events after
 * a seq, oldest first, cut to what the asking control may observe, never typed keys.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Cap,
  ErrorCode,
  InputKind,
  Kind,
  LeaseClass,
  Source,
  encodeCursor,
  encodeInput,
} from '../../shared/model';
import { unpackEventRecords } from '../../shared/ipc-records';
import { maskOf } from '../core';
import { HostOpUnsupported } from '../wire';
import { type RigSeam, addSeam, attach, cmd, leaseCmd, newRig } from '../../../test/helpers/core-rig';
import { type Journal, openJournal } from './journal';
import { JOURNAL_EVENTS_MAX, journalEvents } from './journal-events';

let dir: string;
let rig: ReturnType<typeof newRig>;
let journal: Journal;
let runStartRec: number;
let seams: RigSeam[];
let x = 0;

const move = (seam: RigSeam): unknown =>
  seam.port.emit({ kind: Kind.CURSOR_STATE, inln: encodeCursor({ x: ++x, y: 1, visible: 1, seq: x }) });
const ask = (controlId: number, args: Record<string, unknown>) =>
  journalEvents({ core: rig.core, journal: () => journal, runStartRec }, controlId, args);
const eventsOf = (a: { events: string }) =>
  unpackEventRecords(new Uint8Array(Buffer.from(a.events, 'base64')));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-journal-events-'));
  rig = newRig({ endpoints: [1, 2] });
  // Every cursor report kept, so the answer can be compared event by event.
  journal = openJournal(rig.core, { dir, policy: {} });
  runStartRec = journal.nextRec();
  seams = [addSeam(rig.core, 1, Source.FRAME), addSeam(rig.core, 2, Source.FRAME)];
});

afterEach(() => {
  journal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('journal.events', () => {
  it("answers this run's events after a seq, oldest first, only in the asker's grant, never typed keys", () => {
    const watcher = attach(rig.core, { name: 'watcher', caps: Cap.OBSERVE, grant: maskOf([1]) });
    const typist = attach(rig.core, { name: 'typist', caps: Cap.OBSERVE | Cap.INPUT, leasePrio: 5 });
    move(seams[0]!);
    const afterSeq = rig.core.replayFor(watcher.id).seq;
    move(seams[0]!);
    move(seams[1]!); // VM 2: outside the watcher's grant
    typist.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT, 1));
    typist.send(
      cmd(Kind.CMD_INPUT, 1, {
        corr: 2,
        inln: encodeInput({ kind: InputKind.KEY, code: 30, value: 1, scroll: 0 }),
      }),
    );
    move(seams[0]!);
    // The journal holds the typed key and VM 2's move: the answer is what leaves them out.
    const all = journal
      .reader()
      .query({ limit: 100, fromRec: runStartRec })
      .records.map((r) => r.event);
    expect(all.some((ev) => ev.kind === Kind.CMD_INPUT)).toBe(true);
    expect(all.some((ev) => ev.endpoint === 2 && ev.seq > afterSeq)).toBe(true);

    const a = ask(watcher.id, { afterSeq, limit: 100 });
    const evs = eventsOf(a);
    expect(a.count).toBe(evs.length);
    expect(a.complete).toBe(true);
    expect(a.more).toBe(false);
    expect(evs.every((ev) => ev.seq > afterSeq)).toBe(true);
    expect(evs.map((ev) => ev.seq)).toEqual([...evs.map((ev) => ev.seq)].sort((p, q) => p - q));
    expect(evs.every((ev) => ev.endpoint === 1 || ev.endpoint === 0)).toBe(true);
    expect(evs.some((ev) => ev.kind === Kind.CMD_INPUT || ev.kind === Kind.INPUT_HELD)).toBe(false);
    expect(evs.filter((ev) => ev.kind === Kind.CURSOR_STATE).length).toBe(2);
    expect(evs.some((ev) => ev.kind === Kind.LEASE_GRANTED)).toBe(true);
    // Control ids are the answering host's own: none travels.
    expect(evs.every((ev) => ev.origin === 0)).toBe(true);
  });

  it('stops at `limit`, oldest first, says the answer is not all of the range, and the next page has the rest', () => {
    const watcher = attach(rig.core, { caps: Cap.OBSERVE });
    const afterSeq = rig.core.replayFor(watcher.id).seq;
    for (let i = 0; i < 20; i++) move(seams[0]!);
    const a = ask(watcher.id, { afterSeq, limit: 5 });
    const evs = eventsOf(a);
    expect(evs.map((ev) => ev.seq)).toEqual([1, 2, 3, 4, 5].map((n) => afterSeq + n));
    expect(a.complete).toBe(false);
    expect(a.more).toBe(true);
    let next = a;
    const seqs = evs.map((ev) => ev.seq);
    while (next.more) {
      next = ask(watcher.id, { afterSeq: seqs.at(-1)!, limit: 5 });
      seqs.push(...eventsOf(next).map((ev) => ev.seq));
    }
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => afterSeq + 1 + i));
    expect(next.complete).toBe(true);
  });

  it('refuses a control without OBSERVE, bad arguments, and says when the host keeps no journal', () => {
    const blind = attach(rig.core, { caps: Cap.INPUT });
    const watcher = attach(rig.core, { caps: Cap.OBSERVE });
    expect(() => ask(blind.id, { afterSeq: 0, limit: 1 })).toThrow(
      expect.objectContaining({ code: ErrorCode.PERM }),
    );
    for (const args of [
      { afterSeq: -1, limit: 1 },
      { afterSeq: 0, limit: JOURNAL_EVENTS_MAX + 1 },
      { afterSeq: 0.5, limit: 1 },
      { afterSeq: 0, limit: 1, vm: 2 },
      {},
    ])
      expect(() => ask(watcher.id, args)).toThrow(expect.objectContaining({ code: ErrorCode.INVAL }));
    expect(() =>
      journalEvents({ core: rig.core, journal: () => null, runStartRec }, watcher.id, {
        afterSeq: 0,
        limit: 1,
      }),
    ).toThrow(HostOpUnsupported);
  });
});
