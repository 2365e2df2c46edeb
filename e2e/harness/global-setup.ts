/*
 * Playwright's global setup: builds the app (npm run build) when out/ is missing or older
 * than a source file, so the specs never drive a stale renderer, shell or CLI.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');
const BUILT = ['out/renderer/index.html', 'out/main/index.js'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export default function globalSetup(): void {
  const built = BUILT.map((f) => path.join(repo, f));
  const stale =
    built.some((f) => !fs.existsSync(f)) ||
    newestSource(path.join(repo, 'src')) > Math.min(...built.map((f) => fs.statSync(f).mtimeMs));
  if (!stale) return;
  console.log('[e2e] out/ is older than src/: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
}
