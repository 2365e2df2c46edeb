/* `vmsig serve --config FILE`: prints its socket, serves the configured controls, stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WireClient } from '../../src/main/wire';
import { ErrorCode } from '../../src/shared/model';
import { control, writeHostConfig } from '../helpers/host-config';
import { until } from '../helpers/until';
import { VMSIG_BIN as BIN } from '../helpers/vmsig-cli';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('vmsig serve', () => {
  it('serves the configuration, closes controls with SHUTDOWN and removes the socket on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-serve-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'robot.token'), 'robot-secret\n', { mode: 0o600 });
    const cfg = writeHostConfig(dir, {
      vms: [],
      controls: [
        control('operator', 1, 'op-secret', ['OBSERVE'], { leasePrio: 10, console: true }),
        control('robot', 7, { tokenFile: 'robot.token' }, ['OBSERVE', 'INPUT'], {
          endpoints: [1],
          leasePrio: 5,
        }),
      ],
    });
    const child = spawn(process.execPath, [BIN, 'serve', '--config', cfg], {
      env: { ...process.env, XDG_STATE_HOME: path.join(dir, 'state') },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const sock = path.join(dir, 'run', 'control.sock');
    await until(
      () => out.includes(`control socket ${sock}`) && out.includes('console at'),
      20_000,
      'serve to print its socket and console URL',
      50,
    );
    const c = await WireClient.connect(sock);
    const w = await c.hello('robot-secret', 'test');
    expect([w.principal, w.leasePrio, w.endpointMask]).toEqual([7, 5, 0b10n]);
    child.kill('SIGTERM');
    const closed = await c.closed;
    expect(closed.error?.code).toBe(ErrorCode.SHUTDOWN);
    expect(await exited).toBe(0);
    expect(fs.existsSync(sock)).toBe(false);
  });

  it('on first run writes a private default configuration and a journal, then serves it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-first-'));
    dirs.push(dir);
    const env = {
      ...process.env,
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'cfg'),
      XDG_RUNTIME_DIR: path.join(dir, 'run'),
      XDG_STATE_HOME: path.join(dir, 'state'),
      XDG_CACHE_HOME: process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
    };
    fs.mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
    const child = spawn(process.execPath, [BIN, 'serve', '--no-start'], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await until(() => out.includes('console at'), 20_000, 'serve to print its console URL', 50);
    const cfgFile = path.join(dir, 'cfg', 'vmsig', 'config.json');
    expect(out).toContain(`wrote a default configuration to ${cfgFile}`);
    expect(fs.statSync(cfgFile).mode & 0o777).toBe(0o600);
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as {
      vms: unknown[];
      controls: { console?: boolean; token: string }[];
    };
    const operator = cfg.controls.find((c) => c.console)!;
    expect(operator.token.length).toBeGreaterThanOrEqual(16);
    // The demo VM is there exactly when nothing was reported missing.
    expect(cfg.vms.length === 1).toBe(!out.includes('no demo VM'));
    const c = await WireClient.connect(path.join(dir, 'run', 'vmsig', 'control.sock'));
    expect((await c.hello(operator.token, 'first-run')).principal).toBe(1);
    // The journal's lock key (the lock itself is a socket the kernel holds while serve runs).
    expect(fs.existsSync(path.join(dir, 'state', 'vmsig', 'journal', 'LOCK.key'))).toBe(true);
    child.kill('SIGTERM');
    await c.closed;
    expect(await exited).toBe(0);
  });

  it('refuses an invalid configuration naming the field, exit 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-serve-'));
    dirs.push(dir);
    const cfg = path.join(dir, 'config.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        controls: [{ name: 'x', principal: 1, token: 't', caps: ['OBSRVE'], endpoints: 'all' }],
      }),
    );
    const child = spawn(process.execPath, [BIN, 'serve', '--config', cfg]);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    expect(await new Promise((r) => child.on('exit', r))).toBe(1);
    expect(err).toContain('controls[0].caps[0]: unknown capability "OBSRVE"');
  });
});
