/*
 * kill -9 of a host in the middle of a burst of acknowledged commands, many times with
 * random timing: every command whose ACT_ACK a socket client received is in the journal,
 * in order, exactly once, with its ack after it. The host is a real child process
 * (fixtures/journal-crash-host.ts) serving the real control socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JournalReader } from '../../src/main/host/journal';
import { WireClient } from '../../src/main/wire';
import { Dir, Kind, VmOp, decodeActAck, encodeOp } from '../../src/shared/model';
import { TSX_JOURNAL_HOST, bundleJournalHost, startJournalHost } from '../helpers/journal-host';
import { prng } from '../helpers/prng';

/** 30 kills with a bundled host (~0.3 s a start), 20 through tsx (1-2 s a start on a loaded machine). */
const iterations = (): number =>
  Number(process.env.JOURNAL_CRASH_ITERATIONS ?? (hostCommand.length === 1 ? 30 : 20));
const TOKEN = 'journal-crash-token';

/** How to start the host: tsx by default, a pre-built bundle when esbuild is at hand (beforeAll). */
let hostCommand: string[] = TSX_JOURNAL_HOST;

/** Runs one host, drives it as a socket client, kills it `delayMs` into the burst; resolves to the corrs whose ACT_ACK arrived. */
async function runAndKill(
  dir: string,
  base: number,
  delayMs: number,
  durability: 'os' | 'fsync',
): Promise<{ acked: number[]; stderr: string }> {
  const socketPath = join(dir, '..', `control-${base}.sock`);
  // The host names the durability it runs with, so the fsync hosts are known to be fsync.
  const host = await startJournalHost({
    command: hostCommand,
    args: [dir, socketPath, TOKEN, durability],
    ready: `READY ${durability}`,
  });
  const { child, exited } = host;
  const client = await WireClient.connect(socketPath);
  await client.hello(TOKEN, 'crash-test');
  const acked: number[] = [];
  client.onEvent((ev) => {
    if (ev.kind === Kind.ACT_ACK && decodeActAck(ev.inln).cmdKind === Kind.CMD_VM) acked.push(ev.corr);
  });
  let n = 0;
  let sending = true;
  const burst = (): void => {
    if (!sending) return;
    try {
      for (let i = 0; i < 16; i++)
        client.send({ kind: Kind.CMD_VM, endpoint: 1, corr: base + ++n, inln: encodeOp({ op: VmOp.QUERY }) });
    } catch {
      return; // the connection closed under the kill: the burst ends there
    }
    setTimeout(burst, 1);
  };
  burst();
  setTimeout(() => child.kill('SIGKILL'), delayMs);
  const signal = await exited;
  sending = false;
  await client.closed;
  if (signal !== 'SIGKILL') throw new Error(`host ended with ${signal}, not the kill:\n${host.stderr()}`);
  return { acked, stderr: host.stderr() };
}

describe('journal survives kill -9', () => {
  const root = mkdtempSync(join(tmpdir(), 'vmsig-journal-crash-'));
  const dir = join(root, 'journal');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeAll(async () => {
    hostCommand = await bundleJournalHost(root);
  });

  it('every acknowledged command is journaled once, in order, across 20-30 random kills', async () => {
    const ITERATIONS = iterations();
    const seed = Number(process.env.JOURNAL_CRASH_SEED ?? Date.now() % 1e9);
    const rand = prng(seed);
    const ackedAll: number[] = [];
    const started = Date.now();
    for (let i = 1; i <= ITERATIONS; i++) {
      // Every fifth host runs durability fsync, so its path (fdatasync per record) is killed mid-burst too.
      const { acked, stderr } = await runAndKill(
        dir,
        i * 1_000_000,
        Math.floor(rand() * 150),
        i % 5 === 0 ? 'fsync' : 'os',
      );
      // Each host after the first reopens a journal whose writer was killed mid-burst.
      if (i > 1) expect(stderr, `seed ${seed}, iteration ${i}`).not.toMatch(/corrupt/);
      ackedAll.push(...acked);
    }
    const elapsed = Date.now() - started;

    const page = new JournalReader(dir).query({ limit: 10_000_000, order: 'asc' });
    expect(
      page.damage.filter((d) => !d.tail),
      `seed ${seed}`,
    ).toEqual([]);
    const cmdPos = new Map<number, number>();
    const ackPos = new Map<number, number>();
    const cmdOrder: number[] = [];
    page.records.forEach((r, pos) => {
      const ev = r.event;
      if (ev.kind === Kind.CMD_VM && ev.dir === Dir.DOWN) {
        expect(cmdPos.has(ev.corr), `command ${ev.corr} journaled twice (seed ${seed})`).toBe(false);
        cmdPos.set(ev.corr, pos);
        cmdOrder.push(ev.corr);
      } else if (ev.kind === Kind.ACT_ACK && decodeActAck(ev.inln).cmdKind === Kind.CMD_VM) {
        expect(ackPos.has(ev.corr), `ack ${ev.corr} journaled twice (seed ${seed})`).toBe(false);
        ackPos.set(ev.corr, pos);
      }
    });
    const missing = ackedAll.filter((c) => !cmdPos.has(c) || !ackPos.has(c));
    expect(missing, `seed ${seed}: acked but not journaled`).toEqual([]);
    for (const c of ackedAll)
      expect(ackPos.get(c)!, `seed ${seed}: ack ${c} before its command`).toBeGreaterThan(cmdPos.get(c)!);
    // The acked commands appear in the journal in the order the client saw their acks.
    const journaledOrder = cmdOrder.filter((c) => ackedAll.includes(c));
    expect(journaledOrder).toEqual(ackedAll);
    expect(ackedAll.length).toBeGreaterThan(ITERATIONS);
    // Record numbers are contiguous across all the restarts: nothing was cut but torn bytes.
    page.records.forEach((r, k) => expect(r.rec).toBe(page.records[0]!.rec + k));
    console.log(
      `journal crash: seed ${seed}, host ${hostCommand.at(-1)}, ${ITERATIONS} kills in ${elapsed} ms, ${ackedAll.length} acked commands, ${page.records.length} records`,
    );
  }, 120_000);
});
