/*
 * Write-ahead (issue 10 item 6, protocol §10): a command the journal cannot record is
 * answered ACT_ACK{ok=0, err=IO} and never executed; ok=1 means executed and recorded. A
 * live host under a file size limit (ulimit -f → EFBIG, no root needed) gets bursts of
 * commands; afterwards every acknowledged command is in its journal, and no refused one ran.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalReader } from '../../src/main/host/journal';
import { WireClient } from '../../src/main/wire';
import { ErrorCode, Kind, VmOp, decodeActAck, encodeOp } from '../../src/shared/model';
import { startLimitedJournalHost } from '../helpers/journal-host';

const TOKEN = 'write-ahead-token';
const LIMIT_KIB = 24;

describe('write-ahead on a journal that cannot write', () => {
  const root = mkdtempSync(join(tmpdir(), 'vmsig-write-ahead-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('acknowledges ok=1 only what it recorded and refuses the rest IO without executing it', async () => {
    const host = await startLimitedJournalHost(root, TOKEN, LIMIT_KIB);
    const { dir, socketPath } = host;
    const acksByCorr = new Map<number, { ok: number; err: number }[]>();
    try {
      const client = await WireClient.connect(socketPath);
      await client.hello(TOKEN, 'write-ahead');
      // Every ACT_ACK addressed to us, so a late second ack (the adapter ran after all) is seen.
      client.onEvent((ev) => {
        if (ev.kind !== Kind.ACT_ACK) return;
        const a = decodeActAck(ev.inln);
        acksByCorr.set(ev.corr, [...(acksByCorr.get(ev.corr) ?? []), { ok: a.ok, err: a.err }]);
      });
      for (let wave = 0; wave < 4; wave++) {
        await Promise.all(
          Array.from({ length: 150 }, () =>
            client.request({ kind: Kind.CMD_VM, endpoint: 1, inln: encodeOp({ op: VmOp.QUERY }) }),
          ),
        );
        await new Promise((r) => setTimeout(r, 150));
      }
      await client.ping();
      await new Promise((r) => setTimeout(r, 50));
      await client.close();
    } finally {
      host.child.kill('SIGKILL');
      await host.exited;
    }
    expect(host.stderr()).toMatch(/journal: cannot write to .*EFBIG/);
    const all = [...acksByCorr.entries()];
    expect(all).toHaveLength(600);
    // One answer per command: a refused command never reached the adapter (which acks OK).
    expect(all.filter(([, acks]) => acks.length !== 1)).toEqual([]);
    const okCorrs = all.filter(([, a]) => a[0]!.ok === 1).map(([corr]) => corr);
    const page = new JournalReader(dir).query({ limit: 100_000, order: 'asc', kinds: [Kind.CMD_VM] });
    expect(page.damage).toEqual([]);
    const recorded = new Set(page.records.filter((r) => r.refused === null).map((r) => r.event.corr));
    // Every ok=1 has its record on disk.
    expect(okCorrs.filter((c) => !recorded.has(c))).toEqual([]);
    const refused = all.filter(([, a]) => a[0]!.ok === 0);
    expect(refused.length).toBeGreaterThan(0);
    expect(okCorrs.length).toBeGreaterThan(0);
    expect(refused.every(([, a]) => a[0]!.err === ErrorCode.IO)).toBe(true);
  });
});
