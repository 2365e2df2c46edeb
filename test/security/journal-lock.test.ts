/*
 * Item 9 of issue 10: a journal that cannot lapse. The real host (fixtures/journal-lock-
 * host.ts) is killed with SIGKILL at random moments, at least 200 times, and restarted the
 * moment the old process is gone: every restart owns the journal (the kernel released the
 * lock with the dead holder), and every command whose ACT_ACK a client received is in the
 * journal. A host that cannot own its journal refuses to start; a PID left in a LOCK file
 * (one that now names a live, unrelated process) means nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Esbuild from 'esbuild';
import { JournalReader } from '../../src/main/host/journal';
import { WireClient } from '../../src/main/wire';
import { Dir, Kind, VmOp, decodeActAck, encodeOp } from '../../src/shared/model';
import { until } from '../helpers/until';
import { prng } from './fuzz-kit';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'journal-lock-host.ts');
const KILLS = Number(process.env.JOURNAL_LOCK_KILLS ?? 200);
const TOKEN = 'journal-lock-token';
/** Hosts loaded ahead of their turn (a Node start takes longer than one kill cycle). */
const WARM = 3;

let root: string;
let hostCommand: string[] = ['--import', 'tsx', FIXTURE];

/** Bundles the fixture once (esbuild comes with tsx and vite): a start is then a plain `node host.mjs`. */
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-journal-lock-'));
  const { build } = (await import('esbuild')) as typeof Esbuild;
  const outfile = path.join(root, 'journal-lock-host.mjs');
  await build({
    entryPoints: [FIXTURE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    packages: 'external',
  });
  hostCommand = [outfile];
}, 60_000);

/** Every host spawned, so a failing test still leaves no process behind. */
const spawned: ChildProcess[] = [];

afterAll(() => {
  for (const c of spawned) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  exited: Promise<void>;
  /** READY, or the REFUSED line. */
  outcome: Promise<string>;
  stderr: () => string;
  /** Lets a warm host (spawned with `warm`) start its HostService. */
  go(): void;
}

/** Spawns a host; a `warm` one loads its code and waits for go() before starting. */
function spawnHost(dir: string, socketPath: string, warm = false): Started {
  const child = spawn(
    process.execPath,
    [...hostCommand, dir, socketPath, TOKEN, ...(warm ? ['--wait-go'] : [])],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: path.resolve(import.meta.dirname, '../..'),
    },
  );
  spawned.push(child);
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const outcome = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = /^(READY|REFUSED.*)$/m.exec(out);
      if (line) resolve(line[1]!);
    });
    child.on('exit', (code, signal) => resolve(`exited ${code ?? signal} before READY`));
  });
  return { child, exited, outcome, stderr: () => stderr, go: () => void child.stdin!.write('go\n') };
}

async function startHost(dir: string, socketPath: string): Promise<Started & { outcome: Promise<string> }> {
  const h = spawnHost(dir, socketPath);
  await h.outcome;
  return h;
}

describe('the journal lock', () => {
  it(`every restart after ${KILLS} random kill -9s owns the journal, and no acknowledged command is missing`, async () => {
    const seed = Number(process.env.JOURNAL_LOCK_SEED ?? Date.now() % 1e9);
    const rand = prng(seed);
    const dir = path.join(root, 'journal');
    const socketPath = path.join(root, 'run', 'control.sock');
    const acked: number[] = [];
    const notOwned: string[] = [];
    const started = Date.now();
    // The next hosts are loaded and waiting, so a restart costs a HostService.start, not a
    // Node start: it begins the moment the previous host is gone.
    const warm = Array.from({ length: WARM }, () => spawnHost(dir, socketPath, true));
    for (let i = 1; i <= KILLS; i++) {
      const host = warm.shift()!;
      host.go();
      warm.push(spawnHost(dir, socketPath, true));
      const outcome = await host.outcome;
      if (outcome !== 'READY') {
        notOwned.push(`restart ${i}: ${outcome} ${host.stderr()}`);
        await host.exited;
        continue;
      }
      let ackedHere = 0;
      const client = await WireClient.connect(socketPath);
      await client.hello(TOKEN, 'lock-test');
      client.onEvent((ev) => {
        if (ev.kind !== Kind.ACT_ACK) return;
        const a = decodeActAck(ev.inln);
        if (a.cmdKind === Kind.CMD_VM && a.ok === 1) {
          acked.push(ev.corr);
          ackedHere++;
        }
      });
      const base = i * 1_000_000;
      let n = 0;
      let sending = true;
      const burst = (): void => {
        if (!sending) return;
        try {
          for (let k = 0; k < 8; k++)
            client.send({
              kind: Kind.CMD_VM,
              endpoint: 1,
              corr: base + ++n,
              inln: encodeOp({ op: VmOp.QUERY }),
            });
        } catch {
          return;
        }
        setTimeout(burst, 1);
      };
      burst();
      // Each kill lands mid-burst after this host acknowledged something (a loaded machine
      // may take longer than the random delay to answer the first command).
      await until(() => ackedHere > 0, 10_000, `restart ${i}: a first acknowledgement`);
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 60)));
      host.child.kill('SIGKILL');
      await host.exited;
      sending = false;
      await client.closed;
    }
    for (const w of warm) w.child.kill('SIGKILL');
    await Promise.all(warm.map((w) => w.exited));
    const elapsed = Date.now() - started;
    expect(notOwned, `seed ${seed}`).toEqual([]);

    const page = new JournalReader(dir).query({ limit: 10_000_000, order: 'asc' });
    const journaled = new Set<number>();
    const ackJournaled = new Set<number>();
    for (const r of page.records) {
      if (r.event.kind === Kind.CMD_VM && r.event.dir === Dir.DOWN) journaled.add(r.event.corr);
      if (r.event.kind === Kind.ACT_ACK) ackJournaled.add(r.event.corr);
    }
    const missing = acked.filter((c) => !journaled.has(c) || !ackJournaled.has(c));
    expect(acked.length).toBeGreaterThanOrEqual(KILLS);
    expect(
      missing,
      `seed ${seed}: ${missing.length} of ${acked.length} acknowledged commands not journaled`,
    ).toEqual([]);
    console.log(
      `journal lock: seed ${seed}, ${KILLS} kills in ${elapsed} ms, ${acked.length} acknowledged commands, all journaled`,
    );
  }, 400_000);

  it('a second live host on the same journal refuses to start; a stale LOCK file naming a live PID is ignored', async () => {
    const dir = path.join(root, 'journal-2');
    fs.mkdirSync(dir, { mode: 0o700 });
    // What a host killed before a reboot leaves: a LOCK file whose PID now belongs to someone else (us).
    fs.writeFileSync(path.join(dir, 'LOCK'), `${process.pid}\n`, { mode: 0o600 });
    const first = await startHost(dir, path.join(root, 'run2', 'a.sock'));
    try {
      expect(await first.outcome).toBe('READY');
      // The command it acknowledges is in the journal: the old PID in LOCK did not switch it off.
      const client = await WireClient.connect(path.join(root, 'run2', 'a.sock'));
      await client.hello(TOKEN, 'stale-lock');
      const ack = await client.request({
        kind: Kind.CMD_VM,
        endpoint: 1,
        corr: 77,
        inln: encodeOp({ op: VmOp.QUERY }),
      });
      expect(decodeActAck(ack.inln).ok).toBe(1);
      const journaled = new JournalReader(dir)
        .query({ limit: 1000, order: 'asc' })
        .records.filter((r) => r.event.kind === Kind.CMD_VM && r.event.corr === ack.corr);
      expect(journaled, `the acknowledged command (corr ${ack.corr}) in the journal`).toHaveLength(1);
      await client.close();
      const second = await startHost(dir, path.join(root, 'run2', 'b.sock'));
      expect(await second.outcome).toMatch(/^REFUSED .*BUSY: the journal .* another live vmsig host/);
      await second.exited;
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    const third = await startHost(dir, path.join(root, 'run2', 'c.sock'));
    expect(await third.outcome).toBe('READY');
    third.child.kill('SIGKILL');
    await third.exited;
  });
});
