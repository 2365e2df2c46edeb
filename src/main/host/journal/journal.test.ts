import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Dir,
  ErrorCode,
  Kind,
  LeaseClass,
  Source,
  decodeActAck,
  decodeErrorInl,
  encodeCursor,
  encodeLeaseReq,
  makeEvent,
} from '../../../shared/model';
import { RIG_CONTROL, makeJournalRig } from '../../../../test/helpers/journal-rig';
import { JournalReader, openJournal } from '.';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'vmsig-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('journal', () => {
  it('records a command with its principal and control name, then its ACT_ACK, write-ahead of delivery', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const journal = openJournal(rig.core, { dir });
    const reader = new JournalReader(dir);
    rig.submitVm(41);
    // submit() returned: the ack is queued for the control but not drained, and already on disk.
    const seenAtDelivery = reader.query({ limit: 10, kinds: [Kind.ACT_ACK] }).records.length;
    rig.drain();
    journal.close();
    expect(seenAtDelivery).toBe(1);
    const recs = reader.query({ limit: 100, order: 'asc', vm: 1 }).records.filter((r) => r.event.corr === 41);
    expect(recs.map((r) => r.event.kind)).toEqual([Kind.CMD_VM, Kind.ACT_ACK]);
    expect(recs[0]).toMatchObject({
      principal: RIG_CONTROL.principal,
      controlName: RIG_CONTROL.name,
      refused: null,
    });
    expect(recs[0]!.event.dir).toBe(Dir.DOWN);
    expect(decodeActAck(recs[1]!.event.inln)).toMatchObject({ ok: 1, cmdKind: Kind.CMD_VM });
    expect(recs[1]!.rec).toBe(recs[0]!.rec + 1);
  });

  it('records a refused command with the refusal code, and lease grants with the principal', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const journal = openJournal(rig.core, { dir });
    rig.core.submit(rig.controlId, makeEvent({ kind: Kind.CMD_VM, dir: Dir.DOWN, endpoint: 9, corr: 5 }));
    rig.core.submit(
      rig.controlId,
      makeEvent({
        kind: Kind.CMD_ACQUIRE,
        dir: Dir.DOWN,
        endpoint: 1,
        corr: 6,
        inln: encodeLeaseReq({ cls: LeaseClass.POWER, reason: 0 }),
      }),
    );
    journal.close();
    const recs = new JournalReader(dir).query({
      limit: 100,
      order: 'asc',
      principal: RIG_CONTROL.principal,
    }).records;
    const refused = recs.find((r) => r.event.corr === 5 && r.event.kind === Kind.CMD_VM)!;
    expect(refused.refused).toBe(ErrorCode.NOENT);
    expect(recs.some((r) => r.event.kind === Kind.LEASE_GRANTED && r.event.corr === 6)).toBe(true);
  });

  it('pages newest-first with a cursor and filters by kind, vm and time', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    let t = 1_000_000;
    const journal = openJournal(rig.core, { dir, now: () => t++, maxSegmentBytes: 2048 });
    for (let i = 1; i <= 60; i++) rig.submitVm(i);
    journal.close();
    expect(readdirSync(dir).length).toBeGreaterThan(3);
    const reader = new JournalReader(dir);
    const corrs: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = reader.query({ limit: 7, kinds: [Kind.CMD_VM], before });
      corrs.push(...page.records.map((r) => r.event.corr));
      if (page.cursor === null) break;
      before = page.cursor;
    }
    expect(corrs).toEqual(Array.from({ length: 60 }, (_, i) => 60 - i));
    const asc = reader.query({ limit: 1000, order: 'asc', kinds: [Kind.CMD_VM] }).records;
    const mid = asc[30]!.wallMs;
    expect(
      reader.query({ limit: 1000, order: 'asc', kinds: [Kind.CMD_VM], fromMs: mid }).records[0]!.event.corr,
    ).toBe(31);
    expect(reader.query({ limit: 1000, vm: 2 }).records).toEqual([]);
  });

  it('samples cursor reports by the default policy but keeps every command', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const journal = openJournal(rig.core, { dir });
    for (let i = 0; i < 100; i++)
      rig.adapter.emit({ kind: Kind.CURSOR_STATE, inln: encodeCursor({ x: i, y: 0, visible: 1, seq: i }) });
    for (let i = 1; i <= 100; i++) rig.submitVm(i);
    const stats = journal.stats();
    journal.close();
    const reader = new JournalReader(dir);
    expect(reader.query({ limit: 1000, kinds: [Kind.CURSOR_STATE] }).records.length).toBe(10);
    expect(reader.query({ limit: 1000, kinds: [Kind.CMD_VM] }).records.length).toBe(100);
    expect(stats.skipped).toBe(90);
  });

  it('has each kept cursor record count the reports sampled away before it, and holds the rest as pending', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const journal = openJournal(rig.core, { dir });
    for (let i = 0; i < 25; i++)
      rig.adapter.emit({ kind: Kind.CURSOR_STATE, inln: encodeCursor({ x: i, y: 0, visible: 1, seq: i }) });
    const pending = journal.pendingSkips();
    journal.close();
    const recs = new JournalReader(dir).query({
      limit: 100,
      order: 'asc',
      kinds: [Kind.CURSOR_STATE],
    }).records;
    // 1 in 10 kept: reports 0, 10 and 20; 1–9 and 11–19 went before the second and third; 21–24 wait.
    expect(recs.map((r) => [r.event.seq - recs[0]!.event.seq, r.skippedBefore])).toEqual([
      [0, 0],
      [10, 9],
      [20, 9],
    ]);
    expect(pending).toEqual([expect.objectContaining({ kind: Kind.CURSOR_STATE, count: 4 })]);
  });

  it('refuses a policy that samples commands', () => {
    const rig = makeJournalRig('sync');
    expect(() =>
      openJournal(rig.core, { dir: tempDir(), policy: { CMD_VM: { keep: 'sample', every: 2 } } }),
    ).toThrow(/never sampled/);
  });

  it('cuts a torn tail on open, reports it as an ERROR event, and keeps everything before it', async () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const j1 = openJournal(rig.core, { dir });
    for (let i = 1; i <= 5; i++) rig.submitVm(i);
    j1.close();
    const seg = readdirSync(dir)[0]!;
    appendFileSync(join(dir, seg), Buffer.from([0x56, 0x53, 0x4a, 0x31, 0xff, 0, 0]));
    const rig2 = makeJournalRig('sync');
    const logs: string[] = [];
    const j2 = openJournal(rig2.core, { dir, log: (_l, m) => logs.push(m) });
    expect(j2.findings.truncatedBytes).toBe(7);
    await Promise.resolve();
    rig2.drain();
    const err = rig2.received.find((e) => e.kind === Kind.ERROR && e.source === Source.CORE)!;
    expect(decodeErrorInl(err.inln)).toMatchObject({
      code: ErrorCode.IO,
      msg: expect.stringMatching(/torn tail/),
    });
    expect(logs.join('\n')).toMatch(new RegExp(`torn tail cut \\(7 bytes\\) in .*${seg} at byte \\d+`));
    rig2.submitVm(6);
    j2.close();
    const page = new JournalReader(dir).query({ limit: 100, order: 'asc', kinds: [Kind.CMD_VM] });
    expect(page.records.map((r) => r.event.corr)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(page.damage).toEqual([]);
  });

  it('bounds the directory by maxTotalBytes', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const journal = openJournal(rig.core, { dir, maxSegmentBytes: 4096, maxTotalBytes: 16384 });
    for (let i = 1; i <= 2000; i++) rig.submitVm(i);
    journal.close();
    const total = new JournalReader(dir).query({ limit: 100_000, order: 'asc' }).records;
    const bytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    expect(bytes).toBeLessThanOrEqual(16384 + 4096);
    expect(total.at(-1)!.event.kind).toBe(Kind.ACT_ACK);
    expect(total[0]!.rec).toBeGreaterThan(1);
    // Retention deletes whole segments oldest first: every record below the oldest kept is gone.
    expect(new JournalReader(dir).firstRec()).toBe(total[0]!.rec);
  });
});
