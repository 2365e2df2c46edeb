/*
 * A damaged byte in the middle of a segment: the reader and the opening journal report
 * the segment file and byte offset, and every other record stays readable.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalReader, openJournal } from '../../src/main/host/journal';
import { ErrorCode, Kind, Source, decodeErrorInl } from '../../src/shared/model';
import { makeJournalRig } from '../helpers/journal-rig';

describe('journal corruption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmsig-journal-corrupt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a flipped byte mid-segment is reported with file and offset; the records around it stay readable', async () => {
    const rig = makeJournalRig('sync');
    const j = openJournal(rig.core, { dir, maxSegmentBytes: 1 << 20 });
    for (let i = 1; i <= 200; i++) rig.submitVm(i);
    j.close();
    const reader = new JournalReader(dir);
    const before = reader.query({ limit: 10_000, order: 'asc' }).records;
    const seg = readdirSync(dir)[0]!;
    const bytes = readFileSync(join(dir, seg));

    // Damage the body of the CMD_VM with corr 100 (somewhere inside its record).
    const victim = before.find((r) => r.event.kind === Kind.CMD_VM && r.event.corr === 100)!;
    const victimIdx = before.indexOf(victim);
    const start = victimIdx; // one segment: the k-th record is the k-th frame
    const offsets = recordOffsets(bytes);
    const at = offsets[start]!;
    bytes[at + 60] = bytes[at + 60]! ^ 0xff;
    writeFileSync(join(dir, seg), bytes);

    const page = reader.query({ limit: 10_000, order: 'asc' });
    expect(page.damage).toEqual([
      { segment: seg, offset: at, length: offsets[start + 1]! - at, tail: false, reason: 'CRC mismatch' },
    ]);
    expect(page.records.length).toBe(before.length - 1);
    expect(page.records.map((r) => r.rec)).toEqual(before.filter((r) => r !== victim).map((r) => r.rec));
    const corrs = page.records.filter((r) => r.event.kind === Kind.CMD_VM).map((r) => r.event.corr);
    expect(corrs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1).filter((c) => c !== 100));

    // Opening the journal on it reports the same position on the core, and appends after it.
    const rig2 = makeJournalRig('sync');
    const logs: string[] = [];
    const j2 = openJournal(rig2.core, { dir, log: (_l, m) => logs.push(m) });
    expect(j2.findings.damage).toEqual(page.damage);
    expect(j2.findings.truncatedBytes).toBe(0);
    await Promise.resolve();
    rig2.drain();
    const err = rig2.received.find((e) => e.kind === Kind.ERROR && e.source === Source.CORE)!;
    expect(decodeErrorInl(err.inln)).toEqual({
      code: ErrorCode.IO,
      detail: at,
      msg: `journal corrupt seg 1 @${at}`,
    });
    expect(logs.join('\n')).toContain(
      `corrupt bytes skipped (${offsets[start + 1]! - at} bytes) in ${join(dir, seg)} at byte ${at}: CRC mismatch`,
    );
    rig2.submitVm(201);
    j2.close();
    const after = reader.query({ limit: 10, kinds: [Kind.CMD_VM] }).records;
    expect(after[0]!.event.corr).toBe(201);
  });

  it('a damaged length field is detected and the reader resyncs on the next record', () => {
    const d2 = mkdtempSync(join(tmpdir(), 'vmsig-journal-corrupt-'));
    try {
      const rig = makeJournalRig('sync');
      const j = openJournal(rig.core, { dir: d2 });
      for (let i = 1; i <= 50; i++) rig.submitVm(i);
      j.close();
      const seg = readdirSync(d2)[0]!;
      const bytes = readFileSync(join(d2, seg));
      const offsets = recordOffsets(bytes);
      const at = offsets[20]!;
      bytes.writeUInt32LE(0x7fff_0000, at + 8); // the length field
      writeFileSync(join(d2, seg), bytes);
      const page = new JournalReader(d2).query({ limit: 1000, order: 'asc' });
      expect(page.damage).toEqual([
        {
          segment: seg,
          offset: at,
          length: offsets[21]! - at,
          tail: false,
          reason: 'impossible length 2147418112',
        },
      ]);
      expect(page.records.length).toBe(offsets.length - 2);
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });
});

/** Byte offsets of every record frame in an intact segment (magic, crc, length, content). */
function recordOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at < buf.length; at += 12 + buf.readUInt32LE(at + 8)) out.push(at);
  out.push(buf.length);
  return out;
}
