#!/usr/bin/env node
// Runs `npm run build` unless out/ is already newer than everything the build reads (src/,
// the build configuration, the lock file), so the suite builds once: CI's set-up has just
// built, and the tests, the e2e runner and `npm test` must never drive a stale build either.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
/** What `npm run build` writes (each target's entry). */
const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/cli/main.js'];
/** What it reads besides src/. */
const INPUTS = ['package.json', 'package-lock.json', 'electron.vite.config.ts', 'scripts/build-cli.mjs'];

function newestIn(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    // Tests are not built; a test edited between runs must not cost a build.
    if (entry.isFile() && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function stale() {
  const built = BUILT.map((f) => path.join(repo, f));
  if (built.some((f) => !fs.existsSync(f))) return 'out/ is incomplete';
  const oldestBuilt = Math.min(...built.map((f) => fs.statSync(f).mtimeMs));
  const newestInput = Math.max(
    newestIn(path.join(repo, 'src')),
    ...INPUTS.map((f) => path.join(repo, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.statSync(f).mtimeMs),
  );
  return newestInput > oldestBuilt ? 'out/ is older than its sources' : null;
}

const why = stale();
if (why) {
  console.log(`[build] ${why}: npm run build`);
  execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
} else {
  console.log('[build] out/ is newer than every source: not rebuilt');
}
