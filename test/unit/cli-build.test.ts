/*
 * The built `vmsig`: bin/vmsig.mjs runs the esbuild bundle without tsx, the client commands'
 * bundle needs no npm package, the bundled web host still finds out/renderer, and a tree
 * that was never built says so and falls back to tsx.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Inside the repository (its .vmsig-tmp is git-ignored) so `ws` resolves from node_modules.
const scratch = path.join(repo, '.vmsig-tmp');
let tree = '';

/** Runs `node <tree>/bin/vmsig.mjs ...args` in `dir`. */
function vmsig(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(dir, 'bin', 'vmsig.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

beforeAll(() => {
  mkdirSync(scratch, { recursive: true });
  tree = mkdtempSync(path.join(scratch, 'cli-build-'));
  mkdirSync(path.join(tree, 'bin'));
  cpSync(path.join(repo, 'bin', 'vmsig.mjs'), path.join(tree, 'bin', 'vmsig.mjs'));
  execFileSync(process.execPath, [
    path.join(repo, 'scripts', 'build-cli.mjs'),
    path.join(tree, 'out', 'cli'),
  ]);
});

afterAll(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
});

describe('the built vmsig', () => {
  it('vmsig --help runs the bundle: commands listed, exit 0, no tsx fallback notice', () => {
    const r = vmsig(tree, ['--help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: vmsig <command>/);
    for (const name of ['serve', 'vm', 'events', 'kinds', 'journal'])
      expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('vmsig kinds --json prints the model as JSON from the bundle', () => {
    const r = vmsig(tree, ['kinds', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { kinds: Record<string, number> }).kinds.CMD_VM).toBeGreaterThan(0);
  });

  it('a usage error still exits 2 with the usage line', () => {
    const r = vmsig(tree, ['vm', 'status', '--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('vmsig vm: unknown option --bogus');
    expect(r.stderr).toContain('usage: vmsig vm');
  });

  it('the entry chunk imports no npm package (host, web server and ws load only for serve)', () => {
    const main = readFileSync(path.join(tree, 'out', 'cli', 'main.js'), 'utf8');
    const specifiers = [...main.matchAll(/^(?:import|\}) [^;]*?from "([^"]+)"/gm)].map((m) => m[1]!);
    expect(specifiers.length).toBe((main.match(/ from "/g) ?? []).length);
    for (const s of specifiers) expect(s, s).toMatch(/^(node:|\.\/)/);
  });

  it('the web host bundled into out/cli/ finds out/renderer beside it', async () => {
    const probe = path.join(tree, 'out', 'cli', 'probe.js');
    await build({
      stdin: {
        contents: `export { defaultRendererDir } from './src/main/serve/web-host.ts';`,
        resolveDir: repo,
        loader: 'ts',
      },
      outfile: probe,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const m = (await import(pathToFileURL(probe).href)) as { defaultRendererDir(): string };
    expect(m.defaultRendererDir()).toBe(path.join(tree, 'out', 'renderer'));
  });
});

describe('an unbuilt checkout', () => {
  it('VMSIG_FROM_SOURCE=1 runs the source even where a bundle exists, without the notice', () => {
    const dev = mkdtempSync(path.join(scratch, 'cli-src-'));
    try {
      mkdirSync(path.join(dev, 'bin'));
      mkdirSync(path.join(dev, 'out', 'cli'), { recursive: true });
      cpSync(path.join(repo, 'bin', 'vmsig.mjs'), path.join(dev, 'bin', 'vmsig.mjs'));
      // A stale "bundle" that would say so if it ran.
      writeFileSync(
        path.join(dev, 'out', 'cli', 'main.js'),
        'export async function run() { console.log("STALE"); return 3; }\n',
      );
      symlinkSync(path.join(repo, 'src'), path.join(dev, 'src'));
      expect(vmsig(dev, ['--help']).stdout).toContain('STALE');
      const r = spawnSync(process.execPath, [path.join(dev, 'bin', 'vmsig.mjs'), '--help'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', VMSIG_FROM_SOURCE: '1' },
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/usage: vmsig <command>/);
      expect(r.stderr).toBe('');
    } finally {
      rmSync(dev, { recursive: true, force: true });
    }
  });

  it('without out/cli and without tsx it says what to run and exits 1', () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'vmsig-cli-bare-'));
    try {
      mkdirSync(path.join(bare, 'bin'));
      cpSync(path.join(repo, 'bin', 'vmsig.mjs'), path.join(bare, 'bin', 'vmsig.mjs'));
      const r = vmsig(bare, ['--help']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('tsx is not installed either: run npm ci && npm run build');
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('says out/cli is not built and runs the TypeScript source through tsx', () => {
    const dev = mkdtempSync(path.join(scratch, 'cli-dev-'));
    try {
      mkdirSync(path.join(dev, 'bin'));
      cpSync(path.join(repo, 'bin', 'vmsig.mjs'), path.join(dev, 'bin', 'vmsig.mjs'));
      symlinkSync(path.join(repo, 'src'), path.join(dev, 'src'));
      const r = vmsig(dev, ['--help']);
      expect(r.stderr).toContain('out/cli/main.js is not built (npm run build)');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/usage: vmsig <command>/);
    } finally {
      rmSync(dev, { recursive: true, force: true });
    }
  });
});
