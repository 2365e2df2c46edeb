/*
 * kill -9 of a host in the middle of a burst of acknowledged commands, many times with
 * random timing: every command whose ACT_ACK a socket client received is in the journal,
 * in order, exactly once, with its ack after it. The host is a real child process
 * (fixtures/journal-crash-host.ts) serving the real control socket.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JournalReader } from '../../src/main/host/journal';
import type * as Esbuild from 'esbuild';
import { WireClient } from '../../src/main/wire';
import { Dir, Kind, VmOp, decodeActAck, encodeOp } from '../../src/shared/model';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'journal-crash-host.ts');
/** 30 kills with a bundled host (~0.3 s a start), 20 through tsx (1-2 s a start on a loaded machine). */
const iterations = (): number =>
  Number(process.env.JOURNAL_CRASH_ITERATIONS ?? (hostCommand.length === 1 ? 30 : 20));
const TOKEN = 'journal-crash-token';

/** mulberry32: a seeded PRNG, so a failing run can be replayed with its printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How to start the host: tsx by default, a pre-built bundle when esbuild is at hand (beforeAll). */
let hostCommand: string[] = ['--import', 'tsx', FIXTURE];

/**
 * Node + tsx take 1-2 s to start the host on a loaded machine; the test starts 20 of
 * them. esbuild (installed with tsx and vite) bundles the fixture once, so each start is a
 * plain `node host.mjs`. Without esbuild the test still runs, through tsx, only slower.
 */
async function bundleHost(outDir: string): Promise<void> {
  let build: (typeof Esbuild)['build'];
  try {
    ({ build } = await import('esbuild'));
  } catch {
    return;
  }
  const outfile = join(outDir, 'journal-crash-host.mjs');
  await build({
    entryPoints: [FIXTURE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  hostCommand = [outfile];
}

/** Runs one host, drives it as a socket client, kills it `delayMs` into the burst; resolves to the corrs whose ACT_ACK arrived. */
async function runAndKill(
  dir: string,
  base: number,
  delayMs: number,
  durability: 'os' | 'fsync',
): Promise<{ acked: number[]; stderr: string }> {
  const socketPath = join(dir, '..', `control-${base}.sock`);
  const child = spawn(process.execPath, [...hostCommand, dir, socketPath, TOKEN, durability], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<string | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    // The host names the durability it runs with, so the fsync hosts are known to be fsync.
    child.stdout.on('data', (b: Buffer) => b.toString().includes(`READY ${durability}`) && resolve());
    child.on('exit', (code) => reject(new Error(`host exited with ${code} before READY:\n${stderr}`)));
  });
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
  if (signal !== 'SIGKILL') throw new Error(`host ended with ${signal}, not the kill:\n${stderr}`);
  return { acked, stderr };
}

describe('journal survives kill -9', () => {
  const root = mkdtempSync(join(tmpdir(), 'vmsig-journal-crash-'));
  const dir = join(root, 'journal');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeAll(() => bundleHost(root));

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
