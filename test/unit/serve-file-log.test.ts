/*
 * `vmsig serve` keeps its log in $XDG_STATE_HOME/vmsig/log/serve.log: what it printed to
 * stderr is in the file after it stopped, and --no-log-file writes none. No VM is configured,
 * so the host starts in a second without QEMU.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { control, writeHostConfig } from '../helpers/host-config';
import { until } from '../helpers/until';
import { VMSIG_BIN as BIN } from '../helpers/vmsig-cli';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs serve until it printed its console URL, then SIGTERMs it; resolves to its output and exit code. */
async function serveOnce(
  extra: string[],
): Promise<{ dir: string; out: string; err: string; code: number | null }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-serve-log-'));
  dirs.push(dir);
  const cfg = writeHostConfig(dir, {
    vms: [],
    controls: [control('op', 1, 'op-secret-123456', ['OBSERVE'], { console: true })],
    journal: false,
  });
  const child = spawn(process.execPath, [BIN, 'serve', '--config', cfg, ...extra], {
    env: { ...process.env, XDG_STATE_HOME: path.join(dir, 'state') },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  try {
    await until(() => out.includes('console at'), 20_000, 'serve to print its console URL');
  } finally {
    process.kill(child.pid!, 'SIGTERM');
  }
  return { dir, out, err, code: await exited };
}

describe('vmsig serve file log', () => {
  it('writes what it logged to $XDG_STATE_HOME/vmsig/log/serve.log, stamped, mode 0600', async () => {
    const r = await serveOnce([]);
    expect(r.code, r.out + r.err).toBe(0);
    const file = path.join(r.dir, 'state', 'vmsig', 'log', 'serve.log');
    expect(r.out).toContain(`log file ${file}`);
    expect(r.err).toContain('[info] control socket listening on');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z info control socket listening on .*control\.sock$/m);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('--no-log-file writes no file', async () => {
    const r = await serveOnce(['--no-log-file']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).not.toContain('log file');
    expect(fs.existsSync(path.join(r.dir, 'state', 'vmsig', 'log'))).toBe(false);
  });
});
