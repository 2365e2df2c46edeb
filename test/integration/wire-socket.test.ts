/* The socket file (§1): modes 0600 / 0700, a stale socket is replaced, a live one is refused with a clear message. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Core } from '../../src/main/core';
import { ControlServer, WireClient, tokenAuthenticator } from '../../src/main/wire';
import { ALL_CAPS, ErrorCode } from '../../src/shared/model';
import { clock } from '../helpers/wire-harness';

const dirs: string[] = [];
const servers: ControlServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-sock-'));
  dirs.push(d);
  return d;
}

const start = async (socketPath: string): Promise<ControlServer> => {
  const s = await ControlServer.start({
    core: new Core({ clock }),
    clock,
    log: () => {},
    socketPath,
    authenticate: tokenAuthenticator([
      {
        token: 't',
        spec: { name: 'x', principal: 1, caps: ALL_CAPS, grant: { lo: 0, hi: 0 }, leasePrio: 0 },
      },
    ]),
  });
  servers.push(s);
  return s;
};

describe('control socket file', () => {
  it('creates the directory 0700 and the socket 0600', async () => {
    const sock = path.join(tmp(), 'nested', 'vmsig', 'control.sock');
    await start(sock);
    expect(fs.statSync(path.dirname(sock)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(sock).mode & 0o777).toBe(0o600);
    expect(fs.statSync(sock).isSocket()).toBe(true);
  });

  it('replaces a stale socket left by a killed server', async () => {
    const sock = path.join(tmp(), 'control.sock');
    // A server that dies by SIGKILL leaves its socket file behind.
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    await new Promise((r) => child.on('exit', r));
    expect(fs.statSync(sock).isSocket()).toBe(true);
    await start(sock);
    const c = await WireClient.connect(sock);
    const w = await c.hello('t', 'after-stale');
    expect(w.principal).toBe(1);
    await c.close();
  });

  it('refuses to start on a live socket, naming it, and the first server keeps serving', async () => {
    const sock = path.join(tmp(), 'control.sock');
    await start(sock);
    const err = await start(sock).then(
      () => null,
      (e: unknown) => e as Error & { code: number },
    );
    expect(err?.code).toBe(ErrorCode.BUSY);
    expect(err?.message).toContain(sock);
    expect(err?.message).toMatch(/already listening/);
    const c = await WireClient.connect(sock);
    await c.hello('t', 'still-there');
    await c.close();
  });

  it('removes the socket file on stop', async () => {
    const sock = path.join(tmp(), 'control.sock');
    const s = await start(sock);
    await s.stop();
    expect(fs.existsSync(sock)).toBe(false);
  });
});
