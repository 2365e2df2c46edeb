/*
 * Item 5 (the CLI half) of issue 10: the `vmsig` command (bin/vmsig.mjs, a real process)
 * sends the default configuration's console token only to that configuration's own
 * socket, and only when the socket is yours in a directory only you control; a server at
 * any other path (`--socket`, $VMSIG_SOCKET) never sees it. `--token` still works but
 * warns that every user can read it in `ps`; `--token-file` and $VMSIG_TOKEN do not.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, TOKENS, startHarness } from '../helpers/wire-harness';

const BIN = path.resolve(import.meta.dirname, '../../bin/vmsig.mjs');
let h: Harness;
let cfgHome: string;
let rogue: net.Server;
let rogueSocket: string;
/** Everything the rogue server received. */
let rogueBytes = Buffer.alloc(0);
let rogueConnections = 0;

beforeAll(async () => {
  h = await startHarness();
  cfgHome = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cli-token-'));
  fs.mkdirSync(path.join(cfgHome, 'vmsig'), { mode: 0o700 });
  const console = {
    name: 'operator',
    principal: 1,
    token: TOKENS.op,
    caps: ['OBSERVE', 'VM'],
    endpoints: 'all',
    console: true,
  };
  fs.writeFileSync(
    path.join(cfgHome, 'vmsig', 'config.json'),
    JSON.stringify({ socket: h.socket, controls: [console] }),
    { mode: 0o600 },
  );
  // Another server at another path: what a socket named by someone else would be.
  rogueSocket = path.join(cfgHome, 'rogue.sock');
  rogue = net.createServer((s) => {
    rogueConnections++;
    // It answers nothing and hangs up: a client that sent its HELLO learns no more.
    s.on('data', (b: Buffer) => {
      rogueBytes = Buffer.concat([rogueBytes, b]);
      s.destroy();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => rogue.listen(rogueSocket, () => r()));
});

afterAll(async () => {
  await new Promise<void>((r) => rogue.close(() => r()));
  await h.stop();
  fs.rmSync(cfgHome, { recursive: true, force: true });
});

function vmsig(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, VMSIG_TOKEN: '', VMSIG_SOCKET: '', XDG_CONFIG_HOME: cfgHome, ...env } },
      (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

describe('the CLI and the default console token', () => {
  it('goes to the default socket when that socket is yours', async () => {
    const r = await vmsig(['vm', 'status', '--vm', '1']);
    expect([r.code, r.out.trim(), r.err]).toEqual([0, 'VM 1: RUNNING', '']);
  });

  it('never reaches a socket named by --socket or $VMSIG_SOCKET', async () => {
    const runs = [
      await vmsig(['vm', 'status', '--vm', '1', '--socket', rogueSocket]),
      await vmsig(['vm', 'status', '--vm', '1'], { VMSIG_SOCKET: rogueSocket }),
    ];
    await new Promise((r) => setTimeout(r, 100));
    // What the other server saw comes first: the token must not be in it.
    expect(
      rogueBytes.includes(Buffer.from(TOKENS.op)),
      `the rogue server received ${rogueBytes.length} bytes`,
    ).toBe(false);
    expect(rogueConnections).toBe(0);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        `not sending the console token of ${path.join(cfgHome, 'vmsig', 'config.json')} to ${rogueSocket}`,
      );
    }
  });

  it('is not sent when the default socket sits in a directory others can enter', async () => {
    const dir = path.dirname(h.socket);
    fs.chmodSync(dir, 0o755);
    try {
      const r = await vmsig(['vm', 'status', '--vm', '1']);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/not sending the console token to .*its mode is 0755/);
    } finally {
      fs.chmodSync(dir, 0o700);
    }
  });

  it('--token works with a warning; --token-file and VMSIG_TOKEN go without one', async () => {
    const warned = await vmsig(['vm', 'status', '--vm', '1', '--socket', h.socket, '--token', TOKENS.op]);
    expect(warned.code).toBe(0);
    expect(warned.err).toContain('--token shows the token to every user of this machine');
    const file = path.join(cfgHome, 'op.token');
    fs.writeFileSync(file, `${TOKENS.op}\n`, { mode: 0o600 });
    const quiet = await vmsig(['vm', 'status', '--vm', '1', '--socket', h.socket, '--token-file', file]);
    expect([quiet.code, quiet.err]).toEqual([0, '']);
    const env = await vmsig(['vm', 'status', '--vm', '1', '--socket', h.socket], { VMSIG_TOKEN: TOKENS.op });
    expect([env.code, env.err]).toEqual([0, '']);
  });
});
