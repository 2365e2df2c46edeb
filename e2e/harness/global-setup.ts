/*
 * Playwright's global setup: builds the app (npm run build) when out/ is missing or older
 * than what it is built from (scripts/build-if-stale.mjs, the same check `npm test` makes),
 * so the specs never drive a stale renderer, shell or CLI.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');

export default function globalSetup(): void {
  execFileSync(process.execPath, [path.join(repo, 'scripts/build-if-stale.mjs')], { stdio: 'inherit' });
}
