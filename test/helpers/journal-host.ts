/*
 * The journal host fixture (test/integration/fixtures/journal-crash-host.ts: a real Core,
 * journal and control socket in a child process) started for the journal tests: as tsx or
 * as a bundle, optionally under a file size limit, resolved once it printed READY.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type * as Esbuild from 'esbuild';

export const JOURNAL_HOST_FIXTURE = path.join(
  import.meta.dirname,
  '..',
  'integration',
  'fixtures',
  'journal-crash-host.ts',
);

/** How to start the fixture: through tsx unless `bundleJournalHost` made a bundle. */
export const TSX_JOURNAL_HOST = ['--import', 'tsx', JOURNAL_HOST_FIXTURE];

/**
 * Node + tsx take 1-2 s to start the host on a loaded machine; esbuild (installed with tsx
 * and vite) bundles the fixture once, so each start is a plain `node host.mjs`. Resolves to
 * the command for `startJournalHost`, or TSX_JOURNAL_HOST when esbuild is not at hand.
 */
export async function bundleJournalHost(outDir: string): Promise<string[]> {
  let build: (typeof Esbuild)['build'];
  try {
    ({ build } = await import('esbuild'));
  } catch {
    return TSX_JOURNAL_HOST;
  }
  const outfile = path.join(outDir, 'journal-crash-host.mjs');
  await build({
    entryPoints: [JOURNAL_HOST_FIXTURE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return [outfile];
}

export interface JournalHostRun {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** What the host wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the signal that ended the host (null for a plain exit). */
  exited: Promise<NodeJS.Signals | null>;
}

export interface JournalHostOptions {
  /** Fixture argv: <journal dir> <socket path> <token> [os|fsync]. */
  args: string[];
  command?: string[];
  /** `ulimit -f` in KiB: writes past it fail EFBIG (no root needed). */
  fileLimitKib?: number;
  env?: NodeJS.ProcessEnv;
  /** What the host prints once it listens (it names its durability after READY). */
  ready?: string;
}

/** Starts the host; resolves once it printed `ready`, rejects (with its stderr) if it exits first. */
export async function startJournalHost(o: JournalHostOptions): Promise<JournalHostRun> {
  const argv = [...(o.command ?? TSX_JOURNAL_HOST), ...o.args];
  const spawnOpts = {
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...o.env },
  };
  const child =
    o.fileLimitKib === undefined
      ? spawn(process.execPath, argv, spawnOpts)
      : spawn(
          'bash',
          ['-c', `ulimit -f ${o.fileLimitKib} && exec "$0" "$@"`, process.execPath, ...argv],
          spawnOpts,
        );
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_c, signal) => resolve(signal)),
  );
  const ready = o.ready ?? 'READY';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => b.toString().includes(ready) && resolve());
    child.on('exit', (code) => reject(new Error(`host exited with ${code} before ${ready}:\n${stderr}`)));
  });
  return { child, stderr: () => stderr, exited };
}

/**
 * The host under a `limitKib` file size limit (writes past it fail EFBIG), journaling in
 * `root/journal` with a 100 ms retry and serving `root/control.sock`.
 */
export async function startLimitedJournalHost(
  root: string,
  token: string,
  limitKib: number,
): Promise<JournalHostRun & { dir: string; socketPath: string }> {
  const dir = path.join(root, 'journal');
  const socketPath = path.join(root, 'control.sock');
  const host = await startJournalHost({
    args: [dir, socketPath, token],
    fileLimitKib: limitKib,
    env: { JOURNAL_RETRY_MS: '100' },
  });
  return { ...host, dir, socketPath };
}
