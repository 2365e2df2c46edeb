/*
 * `npm run bench` with --json gives a JSON tool something it can read: stdout is the JSON
 * object alone (progress goes to stderr), `--json FILE` writes it to FILE, and the CLI
 * start-up figures are in it beside their node -e "" baseline.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'vmsig-bench-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { ...process.env, VMSIG_BENCH_ROUNDS: '2' };
const FIGURES = ['cli.node_e_ms', 'cli.help_ms', 'cli.vm_status_ms', 'cli.help_ratio', 'cli.vm_status_ratio'];

function expectFigures(json: Record<string, number>): void {
  expect(Object.keys(json)).toEqual(FIGURES);
  for (const name of FIGURES) expect(Number.isFinite(json[name]) && json[name]! > 0, name).toBe(true);
  expect(json['cli.help_ratio']).toBeCloseTo(json['cli.help_ms']! / json['cli.node_e_ms']!, 6);
}

describe('bench --json', () => {
  it('npm run -s bench -- --json: stdout is one JSON object and nothing else', () => {
    const r = spawnSync('npm', ['run', '-s', 'bench', '--', '--only', 'cli', '--json'], {
      cwd: repo,
      env,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expectFigures(JSON.parse(r.stdout) as Record<string, number>);
    expect(r.stderr).toContain('bench: running cli.bench.ts');
  }, 60_000);

  it('npm run bench -- --json FILE: the file holds the JSON whatever npm prints', () => {
    const file = path.join(dir, 'figures.json');
    const r = spawnSync('npm', ['run', 'bench', '--', '--only', 'cli', '--json', file], {
      cwd: repo,
      env,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('{');
    expectFigures(JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>);
  }, 60_000);
});
