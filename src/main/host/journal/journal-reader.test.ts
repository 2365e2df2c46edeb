import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Kind } from '../../../shared/model';
import { makeJournalRig } from '../../../../test/helpers/journal-rig';
import { JournalReader, openJournal } from '.';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'vmsig-journal-reader-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('journal reader', () => {
  it('pages oldest-first with `after`, across segments, without gaps or repeats', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const j = openJournal(rig.core, { dir, maxSegmentBytes: 1500 });
    for (let i = 1; i <= 40; i++) rig.submitVm(i);
    j.close();
    const reader = new JournalReader(dir);
    const recs: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = reader.query({ limit: 9, order: 'asc', after });
      recs.push(...page.records.map((r) => r.rec));
      if (page.cursor === null) break;
      after = page.cursor;
    }
    expect(recs).toEqual(Array.from({ length: recs.length }, (_, i) => i + 1));
    expect(recs.length).toBe(80);
  });

  it('filters by the core clock range (tsNs) for stitching with the live tail', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const j = openJournal(rig.core, { dir });
    for (let i = 1; i <= 10; i++) rig.submitVm(i);
    j.close();
    const reader = new JournalReader(dir);
    const all = reader.query({ limit: 100, order: 'asc', kinds: [Kind.CMD_VM] }).records;
    const from = all[3]!.event.tsNs;
    const to = all[6]!.event.tsNs;
    expect(
      reader
        .query({ limit: 100, order: 'asc', kinds: [Kind.CMD_VM], fromNs: from, toNs: to })
        .records.map((r) => r.event.corr),
    ).toEqual([4, 5, 6, 7]);
  });

  it('rotates a segment by age and deletes closed segments past maxAgeMs', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    let t = Date.now();
    const j = openJournal(rig.core, { dir, now: () => t, maxSegmentAgeMs: 1000, maxAgeMs: 10 * 86_400_000 });
    rig.submitVm(1);
    t += 2000;
    rig.submitVm(2);
    expect(readdirSync(dir).length).toBe(2);
    // Thirty days later the first segments are past retention: the next rotation removes them.
    t += 30 * 86_400_000;
    rig.submitVm(3);
    j.close();
    expect(readdirSync(dir)).toEqual([j.stats().segment]);
    expect(
      new JournalReader(dir).query({ limit: 10, kinds: [Kind.CMD_VM] }).records.map((r) => r.event.corr),
    ).toEqual([3]);
  });

  it('reads an empty or missing directory as no records', () => {
    expect(new JournalReader(join(tempDir(), 'none')).query({ limit: 5 })).toEqual({
      records: [],
      cursor: null,
      damage: [],
    });
  });
});

describe('history and live tail', () => {
  it('nextRec() taken with a subscription splits journaled history from live events exactly', () => {
    const dir = tempDir();
    const rig = makeJournalRig('sync');
    const j = openJournal(rig.core, { dir });
    for (let i = 1; i <= 5; i++) rig.submitVm(i);
    rig.drain();
    // The console's start: mark the journal and take the live tail from here on.
    const mark = j.nextRec();
    rig.received.length = 0;
    for (let i = 6; i <= 8; i++) rig.submitVm(i);
    rig.drain();
    const history = j
      .reader()
      .query({ limit: 100, before: mark, kinds: [Kind.CMD_VM] })
      .records.map((r) => r.event.corr);
    const live = rig.received.filter((e) => e.kind === Kind.ACT_ACK).map((e) => e.corr);
    j.close();
    expect(history).toEqual([5, 4, 3, 2, 1]);
    expect(live).toEqual([6, 7, 8]);
  });
});
