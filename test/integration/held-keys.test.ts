/*
 * Held keys are always released (issue 11, item 1), on the real guest: a socket client holds
 * Shift and Ctrl and is killed (kill -9) or preempted; the next CLI holder (`input type`,
 * `lease acquire INPUT`) releases them before its own input, so `vmsig held` is empty and
 * the guest's shell receives our text unmodified (a held Shift would turn "echo" into
 * "ECHO", a held Ctrl into control characters, and the marker would never reach serial).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY } from '../../src/shared/keys';
import { ensureGuest } from '../helpers/guest';
import { type GuestHost, startGuestHost } from '../helpers/guest-host';
import { untilFileHas } from '../helpers/until';

const BIN = path.resolve(__dirname, '../../bin/vmsig.mjs');
const HOLDER = path.resolve(__dirname, '../helpers/key-holder.ts');
const OPERATOR = 'held-keys-operator';
const ROBOT = 'held-keys-robot';
const KEY_LEFTSHIFT = KEY.LEFTSHIFT;
const KEY_LEFTCTRL = KEY.LEFTCTRL;
const guest = ensureGuest();

type Run = { code: number; out: string; err: string };
const vmsig = (socket: string, args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args, '--socket', socket],
      { env: { ...process.env, VMSIG_TOKEN: OPERATOR } },
      (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });

/** Starts the key holder as the robot control; resolves once it holds `codes`. */
async function holdKeys(socket: string, codes: number[]): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, socket, '1', ...codes.map(String)], {
    env: { ...process.env, VMSIG_TOKEN: ROBOT },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.trim().split('\n')));
  const end = Date.now() + 20_000;
  while (!lines.includes('HOLDING')) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`key holder: ${lines.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, lines };
}

const killed = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe.skipIf(!guest.ok)('held keys on a real guest', () => {
  let gh: GuestHost;
  let serial: string;
  let sock: string;

  beforeAll(async () => {
    gh = await startGuestHost({ prefix: 'vmsig-held-', operator: OPERATOR, robot: ROBOT });
    ({ serial, sock } = gh);
  }, 120_000);

  afterAll(async () => {
    await gh?.stop();
  });

  it('a killed holder leaves Shift+Ctrl held; input type releases them first and types unmodified', async () => {
    const { child } = await holdKeys(sock, [KEY_LEFTSHIFT, KEY_LEFTCTRL]);
    await killed(child);
    expect((await vmsig(sock, ['held', '--vm', '1'])).out.trim()).toBe('VM 1: KEY:42 KEY:29');
    const r = await vmsig(sock, ['input', 'type', 'echo held-dead-ok > /dev/ttyS0\n', '--vm', '1']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('released what was held: KEY:42 KEY:29');
    expect((await vmsig(sock, ['held', '--vm', '1'])).out.trim()).toBe('VM 1: nothing held');
    await untilFileHas(serial, 'held-dead-ok', 20_000);
  }, 60_000);

  it('lease acquire INPUT releases what a killed holder left, before anything is typed', async () => {
    const { child } = await holdKeys(sock, [KEY_LEFTSHIFT]);
    await killed(child);
    const r = await vmsig(sock, ['lease', 'acquire', 'INPUT', '--vm', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('released what was held: KEY:42');
    expect((await vmsig(sock, ['held', '--vm', '1'])).out.trim()).toBe('VM 1: nothing held');
    expect(
      (await vmsig(sock, ['input', 'type', 'echo held-lease-ok > /dev/ttyS0\n', '--vm', '1'])).code,
    ).toBe(0);
    await untilFileHas(serial, 'held-lease-ok', 20_000);
  }, 60_000);

  it('after a preemption the preemptor releases the preempted holder’s keys and types unmodified', async () => {
    const { child, lines } = await holdKeys(sock, [KEY_LEFTCTRL, KEY_LEFTSHIFT]);
    try {
      const r = await vmsig(sock, ['input', 'type', 'echo held-preempt-ok > /dev/ttyS0\n', '--vm', '1']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('released what was held: KEY:29 KEY:42');
      expect((await vmsig(sock, ['held', '--vm', '1'])).out.trim()).toBe('VM 1: nothing held');
      await untilFileHas(serial, 'held-preempt-ok', 20_000);
      expect(lines).toContain('REVOKED');
    } finally {
      await killed(child);
    }
  }, 60_000);
});
