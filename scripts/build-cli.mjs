#!/usr/bin/env node
// Bundles the `vmsig` command into out/cli/ (or the directory given as the one argument) so
// it starts without compiling TypeScript (tsx at every start cost ~0.9 s). Code splitting
// keeps what only `serve` needs (host, web server, ws) in chunks loaded on demand; npm
// packages stay external, installed beside it.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'out', 'cli'));

// Chunk names carry content hashes: stale ones from an earlier build would pile up.
mkdirSync(outdir, { recursive: true });
for (const f of readdirSync(outdir)) if (/\.js(\.map)?$/.test(f)) rmSync(path.join(outdir, f));

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
