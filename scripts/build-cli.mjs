#!/usr/bin/env node
// Bundles the `vmsig` command into out/cli/ (or the directory given as the one argument) so
// it starts without compiling TypeScript (tsx at every start cost ~0.9 s). Code splitting
// keeps what only `serve` needs (host, web server, ws) in chunks loaded on demand; npm
// packages stay external, installed beside it.
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'out', 'cli'));
const fresh = `${outdir}.new-${process.pid}`;
const old = `${outdir}.old-${process.pid}`;

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir: fresh,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
// Swapped in whole: a vmsig starting meanwhile never reads a half-written bundle, and stale
// hashed chunks of an earlier build do not pile up.
if (existsSync(outdir)) renameSync(outdir, old);
renameSync(fresh, outdir);
rmSync(old, { recursive: true, force: true });
