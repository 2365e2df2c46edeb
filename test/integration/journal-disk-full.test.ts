/*
 * A full disk under the journal (a 64 KiB tmpfs): a clear ERROR event (code IO) reaches
 * the controls, the journal degrades, commands it cannot record are refused IO (write-ahead,
 * protocol §10), and once space is freed it writes again and reports how many records it
 * lost. Needs root for mount.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalReader, openJournal } from '../../src/main/host/journal';
import { ErrorCode, Kind, Source, decodeActAck, decodeErrorInl } from '../../src/shared/model';
import { makeJournalRig } from '../helpers/journal-rig';

const mnt = mkdtempSync(join(tmpdir(), 'vmsig-journal-full-'));
const mounted = ((): boolean => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

describe('journal on a full disk', () => {
  afterAll(() => {
    if (mounted) execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it.runIf(mounted)(
    'reports ENOSPC as an ERROR event, refuses unrecorded commands IO, and resumes once space is freed',
    async () => {
      const filler = join(mnt, 'filler');
      writeFileSync(filler, Buffer.alloc(16 * 1024));
      const dir = join(mnt, 'journal');
      const rig = makeJournalRig('sync');
      const logs: string[] = [];
      const journal = openJournal(rig.core, {
        dir,
        maxSegmentBytes: 16 * 1024,
        retryMs: 50,
        log: (level, m) => logs.push(`${level}: ${m}`),
      });

      const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
      let corr = 0;
      const acks = () =>
        rig.received
          .filter((e) => e.kind === Kind.ACT_ACK)
          .map((e) => ({ corr: e.corr, ...decodeActAck(e.inln) }));
      const journalErrors = () =>
        rig.received
          .filter((e) => e.kind === Kind.ERROR && e.source === Source.CORE)
          .map((e) => decodeErrorInl(e.inln));

      for (let i = 0; i < 1000; i++) {
        rig.submitVm(++corr);
        await tick();
      }
      expect(journal.state).toBe('degraded');
      expect(journalErrors()[0]).toEqual({
        code: ErrorCode.IO,
        detail: 0,
        msg: 'journal write failed: ENOSPC',
      });
      expect(logs.find((l) => l.startsWith('error:'))).toMatch(/cannot write to .*seg-\d{16}\.vjl .*ENOSPC/);
      // Every command got one answer; those the journal could not record were refused IO.
      expect(acks()).toHaveLength(1000);
      expect(acks().filter((a) => a.ok === 0 && a.err !== ErrorCode.IO)).toEqual([]);
      expect(acks().filter((a) => a.ok === 0).length).toBeGreaterThan(0);
      const lostBefore = journal.stats().lost;
      expect(lostBefore).toBeGreaterThan(0);

      unlinkSync(filler);
      await new Promise((r) => setTimeout(r, 80));
      for (let i = 0; i < 5; i++) {
        rig.submitVm(++corr);
        await tick();
      }
      expect(journal.state).toBe('ok');
      const resumed = journalErrors()[1]!;
      expect(resumed.code).toBe(ErrorCode.IO);
      expect(resumed.msg).toMatch(/^journal resumed, \d+ lost$/);
      expect(resumed.detail).toBeGreaterThanOrEqual(lostBefore);
      journal.close();

      const page = new JournalReader(dir).query({ limit: 100_000, order: 'asc', kinds: [Kind.CMD_VM] });
      expect(page.damage).toEqual([]);
      const corrs = page.records.map((r) => r.event.corr);
      // A prefix written before the disk filled, then the commands after recovery.
      expect(corrs.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(corrs.slice(-3)).toEqual([corr - 2, corr - 1, corr]);
      // ok=1 only for what is on disk.
      const onDisk = new Set(corrs);
      expect(acks().filter((a) => a.ok === 1 && !onDisk.has(a.corr))).toEqual([]);
    },
  );
});
