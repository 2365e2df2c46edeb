import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  InputKind,
  Kind,
  Prio,
  Source,
  type VmsigEvent,
  decodeInput,
} from '../../../shared/model';
import { ackingAdapter } from '../../../../test/helpers/acking-adapter';
import { standInHost } from '../../../../test/helpers/stand-in-host';
import { ConsoleService } from '../console';

let dir: string;
let svc: ConsoleService;
let handled: VmsigEvent[];
const oldDir = process.env.VMSIG_MACRO_DIR;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-desk-'));
  process.env.VMSIG_MACRO_DIR = path.join(dir, 'macros');
  // The stand-in host's core (endpoint 1 "demo") and operator console control; only the
  // VM's input seam is added here, acking and recording each command.
  const host = standInHost();
  handled = [];
  ackingAdapter(host.core, Source.INPUT, 1, Prio.HIGH, (cmd) => handled.push(cmd));
  svc = new ConsoleService(host);
  svc.start();
});
afterEach(() => {
  svc.stop();
  if (oldDir === undefined) delete process.env.VMSIG_MACRO_DIR;
  else process.env.VMSIG_MACRO_DIR = oldDir;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The key events that reached the VM side, as +code / -code. */
const keys = () =>
  handled
    .filter((c) => c.kind === Kind.CMD_INPUT)
    .map((c) => decodeInput(c.inln))
    .filter((i) => i.kind === InputKind.KEY)
    .map((i) => `${i.value ? '+' : '-'}${i.code}`);

const steps = (n: number, delayMs: number) => [
  { delayMs: 0, code: 42, down: true },
  ...Array.from({ length: n }, (_, i) => ({ delayMs, code: 30, down: i % 2 === 0 })),
  { delayMs, code: 42, down: false },
];

describe('console macros', () => {
  it('refuses bad macros at the border, naming the field', async () => {
    for (const [req, msg] of [
      [{ name: '../up', steps: steps(2, 0) }, /macro name/],
      [{ name: 'm', steps: [{ delayMs: 0, code: 30, down: true, extra: 1 }] }, /unknown field "extra"/],
      [{ name: 'm', steps: [] }, /at least one step/],
      [{ name: 'm', steps: steps(2, 0), more: 1 }, /unknown field "more"/],
    ] as const) {
      const r = await svc.dispatch('macro.save', req);
      expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.INVAL } });
      expect(!r.ok && r.error.message).toMatch(msg);
    }
    expect(await svc.dispatch('macro.play', { endpoint: 1, name: 'm', speed: -1 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVAL },
    });
    expect(await svc.dispatch('macro.play', { endpoint: 1, name: 'nope', speed: 'recorded' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOENT },
    });
  });

  it('saves 0600, lists, and plays through the core under the INPUT lease (refused without it)', async () => {
    expect(await svc.dispatch('macro.save', { name: 'shift-a', steps: steps(2, 0) })).toEqual({
      ok: true,
      value: { name: 'shift-a' },
    });
    expect(fs.statSync(path.join(dir, 'macros', 'shift-a.json')).mode & 0o777).toBe(0o600);
    expect(await svc.dispatch('macro.list', {})).toMatchObject({
      ok: true,
      value: { macros: [{ name: 'shift-a', steps: 4, durationMs: 0 }], errors: [] },
    });
    const refused = await svc.dispatch('macro.play', { endpoint: 1, name: 'shift-a', speed: 'recorded' });
    expect(refused).toMatchObject({ ok: true, value: { played: 0, err: 'LEASE' } });
    await svc.dispatch('lease.acquire', { endpoint: 1, cls: 'INPUT' });
    const r = await svc.dispatch('macro.play', { endpoint: 1, name: 'shift-a', speed: 0 });
    expect(r).toEqual({ ok: true, value: { played: 4, total: 4, cancelled: false, err: '' } });
    expect(keys()).toEqual(['+42', '+30', '-30', '-42']);
  });

  it('Cancel stops a playing macro and releases the keys it pressed', async () => {
    await svc.dispatch('macro.save', { name: 'long', steps: steps(100, 20) });
    await svc.dispatch('lease.acquire', { endpoint: 1, cls: 'INPUT' });
    const playing = svc.dispatch('macro.play', { endpoint: 1, name: 'long', speed: 'recorded' });
    await new Promise((r) => setTimeout(r, 70));
    expect(await svc.dispatch('macro.cancel', { endpoint: 1 })).toEqual({
      ok: true,
      value: { cancelled: true },
    });
    const r = await playing;
    expect(r).toMatchObject({ ok: true, value: { cancelled: true, err: '' } });
    const down = new Set<string>();
    for (const k of keys()) {
      if (k.startsWith('+')) down.add(k.slice(1));
      else down.delete(k.slice(1));
    }
    expect([...down]).toEqual([]);
    expect(keys()[0]).toBe('+42');
  });
});
