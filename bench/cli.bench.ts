/*
 * Start-up of the built `vmsig` command: `vmsig --help` and `vmsig vm status` (a full
 * protocol round trip against a stand-in core behind a real control socket), each beside
 * `node -e ""` measured in the same rounds, interleaved, so machine load hits all three alike.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VmState } from '../src/shared/model';
import { nowNs } from './lib/hr-clock';
import { benchServer } from './lib/bench-server';
import type { Reporter } from './lib/reporter';

// VMSIG_BENCH_ROUNDS lets a test run the bench quickly; the figures want the default.
const ROUNDS = Number(process.env.VMSIG_BENCH_ROUNDS) || 15;
const TOKEN = 'bench-cli-token';
const GOAL = 2;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'vmsig.mjs');

/** Runs `node ...args`; resolves to its wall time in ms, or rejects with its stderr on a non-zero exit. */
function timeNode(args: string[], expectOut: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowNs();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(nowNs() - t0) / 1e6;
      if (code !== 0 || !out.includes(expectOut))
        reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.trim() || out.trim()}`));
      else resolve(ms);
    });
  });
}

/** A core whose VM 1 answers every CMD_VM with RUNNING, behind a control socket. */
async function standInHost(socketPath: string): Promise<{ stop(): Promise<void> }> {
  const { server } = await benchServer(socketPath, TOKEN, VmState.RUNNING);
  return { stop: () => server.stop() };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(report: Reporter): Promise<void> {
  if (!existsSync(path.join(root, 'out', 'cli', 'main.js')))
    throw new Error('out/cli/main.js is missing: npm run build first (the bench measures the built CLI)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vmsig-bench-cli-'));
  const host = await standInHost(path.join(dir, 'control.sock'));
  try {
    const cases: Record<'node' | 'help' | 'status', { args: string[]; expect: string; ms: number[] }> = {
      node: { args: ['-e', ''], expect: '', ms: [] },
      help: { args: [bin, '--help'], expect: 'usage: vmsig', ms: [] },
      status: {
        args: [
          bin,
          'vm',
          'status',
          '--vm',
          '1',
          '--socket',
          path.join(dir, 'control.sock'),
          '--token',
          TOKEN,
        ],
        expect: 'VM 1: RUNNING',
        ms: [],
      },
    };
    for (let i = 0; i < ROUNDS; i++)
      for (const c of Object.values(cases)) c.ms.push(await timeNode(c.args, c.expect));
    const base = median(cases.node.ms);
    const help = median(cases.help.ms);
    const status = median(cases.status.ms);
    const note = `median of ${ROUNDS}, node -e "" ${base.toFixed(0)} ms in the same rounds`;
    report('cli.node_e_ms', base, 'ms', `baseline: node -e "", median of ${ROUNDS}`);
    report('cli.help_ms', help, 'ms', note);
    report('cli.vm_status_ms', status, 'ms', `${note}; stand-in core over the control socket`);
    report('cli.help_ratio', help / base, 'x', `vmsig --help / node -e ""; goal <= ${GOAL}`);
    report('cli.vm_status_ratio', status / base, 'x', `vmsig vm status / node -e ""; goal <= ${GOAL}`);
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
