/*
 * A file size limit under the host (ulimit -f → EFBIG; Node ignores SIGXFSZ): a socket
 * client sees a clear ERROR event, every command is answered (IO when it could not be
 * recorded: write-ahead, see test/security/write-ahead.test.ts), and the journal resumes
 * in a fresh segment after its retry. The journal left behind is intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, allEvents } from '../../src/main/core';
import { JournalReader } from '../../src/main/host/journal';
import { listSegments } from '../../src/main/host/journal/segment-files';
import { WireClient } from '../../src/main/wire';
import {
  ErrorCode,
  Kind,
  Source,
  VmOp,
  decodeActAck,
  decodeErrorInl,
  encodeOp,
} from '../../src/shared/model';
import { startLimitedJournalHost } from '../helpers/journal-host';

const TOKEN = 'journal-limit-token';
const LIMIT_KIB = 24;

describe('journal under a file size limit', () => {
  const root = mkdtempSync(join(tmpdir(), 'vmsig-journal-limit-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('EFBIG gives an ERROR event, every command is answered, and the journal resumes in a new segment', async () => {
    const host = await startLimitedJournalHost(root, TOKEN, LIMIT_KIB);
    const { dir, socketPath } = host;
    try {
      const client = await WireClient.connect(socketPath);
      await client.hello(TOKEN, 'limit-test');
      client.subscribe(allEvents(ALL_ENDPOINTS));
      const errors: string[] = [];
      let acks = 0;
      let refusedIo = 0;
      client.onEvent((ev) => {
        if (
          ev.kind === Kind.ERROR &&
          ev.source === Source.CORE &&
          decodeErrorInl(ev.inln).code === ErrorCode.IO
        )
          errors.push(decodeErrorInl(ev.inln).msg);
        if (
          ev.kind === Kind.ACT_ACK &&
          decodeActAck(ev.inln).cmdKind === Kind.CMD_VM &&
          decodeActAck(ev.inln).ok === 1
        )
          acks++;
        if (ev.kind === Kind.ACT_ACK && decodeActAck(ev.inln).err === ErrorCode.IO) refusedIo++;
      });
      // ~150 bytes per record, 2 per command: 24 KiB fills in ~80 commands. Send in waves
      // spaced past the retry, so the journal fails, resumes, and fails again.
      const sent = 1200;
      for (let wave = 0; wave < 6; wave++) {
        await Promise.all(
          Array.from({ length: sent / 6 }, () =>
            client.request({ kind: Kind.CMD_VM, endpoint: 1, inln: encodeOp({ op: VmOp.QUERY }) }),
          ),
        );
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(acks + refusedIo).toBe(sent);
      expect(refusedIo).toBeGreaterThan(0);
      expect(errors[0]).toBe('journal write failed: EFBIG');
      expect(errors.some((m) => /^journal resumed, \d+ lost$/.test(m))).toBe(true);
      expect(host.stderr()).toMatch(/error: journal: cannot write to .*seg-\d{16}\.vjl .*EFBIG/);
      await client.close();
    } finally {
      host.child.kill('SIGKILL');
      await host.exited;
    }
    const segs = listSegments(dir);
    expect(segs.length).toBeGreaterThan(2);
    for (const s of segs) expect(s.bytes).toBeLessThanOrEqual(LIMIT_KIB * 1024);
    const page = new JournalReader(dir).query({ limit: 100_000, order: 'asc' });
    expect(page.damage).toEqual([]);
    page.records.forEach((r, k) => expect(r.rec).toBe(page.records[0]!.rec + k));
  });
});
