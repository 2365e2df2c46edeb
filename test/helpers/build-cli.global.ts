/*
 * Vitest global set-up: rebuilds the `vmsig` bundle (out/cli, ~0.3 s) before any test runs,
 * because bin/vmsig.mjs runs the bundle and a test must never spawn a stale build of the source.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  execFileSync(process.execPath, [path.join(repo, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
}
