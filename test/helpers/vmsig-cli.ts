/*
 * Runs the real CLI (`node bin/vmsig.mjs ...`) as a child process for tests, resolving to
 * its exit code and output. Tokens go in the environment (VMSIG_TOKEN): `--token` would
 * earn its "shown in ps" warning on stderr.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { until } from './until';

export const VMSIG_BIN = path.resolve(import.meta.dirname, '../../bin/vmsig.mjs');

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** `vmsig ...args` with `env` over this process's environment; never rejects. */
export function runVmsig(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VMSIG_BIN, ...args], { env: { ...process.env, ...env } }, (e, out, err) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

/** Repeats `run` every 500 ms until `ok` holds for its result (resolved to); rejects after `timeoutMs` naming `what`. */
export async function runUntil(
  run: () => Promise<Run>,
  ok: (r: Run) => boolean,
  timeoutMs: number,
  what: string,
): Promise<Run> {
  let last: Run | undefined;
  await until(async () => ok((last = await run())), timeoutMs, what, 500);
  return last!;
}

/** A `vmsig` child process left running (a recording, a held lease): what it printed and its exit. */
export interface VmsigChild {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  out(): string;
  exit: Promise<number>;
}

/**
 * Starts `vmsig ...args` with `env` over this process's environment; with `ready`, resolves
 * once its output shows that text (rejects naming it after 20 s or when the CLI exits first).
 */
export async function startVmsig(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  ready?: string,
): Promise<VmsigChild> {
  const child = spawn(process.execPath, [VMSIG_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)));
  if (ready !== undefined) {
    await until(() => out.includes(ready) || child.exitCode !== null, 20_000, `"${ready}" from vmsig`, 50);
    if (!out.includes(ready)) throw new Error(`vmsig ${args.join(' ')} exited before "${ready}": ${out}`);
  }
  return { child, out: () => out, exit };
}
