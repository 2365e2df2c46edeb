/* The real `node bin/vmsig.mjs ...` against a real server: exit statuses, printed refusals, what reached the VM. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireClient } from '../../src/main/wire';
import {
  InputKind,
  Kind,
  LeaseClass,
  MemWriteFlag,
  decodeInput,
  decodeMemWrite,
  encodeLeaseReq,
} from '../../src/shared/model';
import { control, writeHostConfig } from '../helpers/host-config';
import { until } from '../helpers/until';
import { VMSIG_BIN as BIN, type Run, runVmsig } from '../helpers/vmsig-cli';
import { type Harness, TOKENS, startHarness } from '../helpers/wire-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.stop());

/** The CLI against the harness; `token` null runs it on the default configuration (no --socket). */
function vmsig(args: string[], token: string | null = TOKENS.op): Promise<Run> {
  const conn = token === null ? [] : ['--socket', h.socket];
  return runVmsig([...args, ...conn], { VMSIG_TOKEN: token ?? '', XDG_CONFIG_HOME: h.dir });
}

describe('vmsig CLI against a live server', () => {
  it('input type "Hi!" takes the INPUT lease, releases what the VM held, sends US-layout presses/releases with shift, releases the lease', async () => {
    h.adapter.seen.length = 0;
    const r = await vmsig(['input', 'type', 'Hi!', '--vm', '1']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const keys = h.adapter.seen.filter((e) => e.kind === Kind.CMD_INPUT).map((e) => decodeInput(e.inln));
    expect(keys.every((k) => k.kind === InputKind.KEY)).toBe(true);
    // The harness's adapter reports Shift (KEY:42) held, so its release comes first.
    expect(r.out).toContain('released what was held: KEY:42');
    expect(keys.map((k) => `${k.code}${k.value ? 'v' : '^'}`).join(' ')).toBe(
      '42^ 42v 35v 35^ 42^ 23v 23^ 42v 2v 2^ 42^',
    );
    expect((await vmsig(['lease', 'status', 'INPUT', '--vm', '1'])).out).toContain(
      'INPUT lease on VM 1: free',
    );
  });

  it('a denied lease prints the reason and the holder; exit 1', async () => {
    const holder = await WireClient.connect(h.socket);
    await holder.hello(TOKENS.op, 'holder');
    expect(
      (
        await holder.request({
          kind: Kind.CMD_ACQUIRE,
          endpoint: 1,
          inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }),
        })
      ).kind,
    ).toBe(Kind.LEASE_GRANTED);
    const r = await vmsig(['input', 'key', 'enter', '--vm', '1'], TOKENS.robot);
    expect(r.code).toBe(1);
    expect(r.err).toContain('INPUT lease on VM 1: denied: LOWER_PRIO; held by principal 1');
    expect((await vmsig(['lease', 'status', 'input', '--vm', '1'], TOKENS.robot)).out).toContain(
      'held by principal 1',
    );
    await holder.close();
  });

  it('lease acquire --hold keeps the lease until interrupted and prints a revocation', async () => {
    const child = spawn(process.execPath, [
      BIN,
      'lease',
      'acquire',
      'INPUT',
      '--vm',
      '1',
      '--hold',
      '--socket',
      h.socket,
      '--token',
      TOKENS.robot,
    ]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const printed = (s: string): Promise<void> => until(() => out.includes(s), 15_000, `"${s}" printed`, 25);
    await printed('granted (holding');
    expect((await vmsig(['lease', 'status', 'INPUT', '--vm', '1'])).out).toContain('held by principal 7');
    const op = await WireClient.connect(h.socket);
    await op.hello(TOKENS.op, 'preempt');
    expect(
      (
        await op.request({
          kind: Kind.CMD_ACQUIRE,
          endpoint: 1,
          inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }),
        })
      ).kind,
    ).toBe(Kind.LEASE_GRANTED);
    await printed('REVOKED by principal 1');
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    await op.close();
  });

  it('vm status prints the state; a destructive op without POWER is refused, the denial named (NOCAP)', async () => {
    const s = await vmsig(['vm', 'status', '--vm', '1'], TOKENS.robot);
    expect([s.code, s.out.trim()]).toEqual([0, 'VM 1: RUNNING']);
    const q = await vmsig(['vm', 'reset', '--vm', '1'], TOKENS.robot);
    expect(q.code).toBe(1);
    expect(q.err).toContain('POWER lease on VM 1: denied: NOCAP');
    const ok = await vmsig(['vm', 'reset', '--vm', '1']);
    expect([ok.code, ok.out.trim()]).toEqual([0, 'VM 1: reset done']);
  });

  it('held, cursor and memwrite reach the VM; cursor without SENSOR is refused KIND', async () => {
    expect((await vmsig(['held', '--vm', '1'])).out.trim()).toBe('VM 1: KEY:42');
    const c = await vmsig(['cursor', '10', '20', '--vm', '1'], TOKENS.sensor);
    expect([c.code, c.out.trim()]).toEqual([0, 'VM 1: cursor 10,20 reported']);
    const nc = await vmsig(['cursor', '10', '20', '--vm', '1'], TOKENS.robot);
    expect(nc.code).toBe(1);
    expect(nc.err).toContain('refused: KIND');
    h.adapter.seen.length = 0;
    const m = await vmsig(['memwrite', '0xffff8000', '90c3', '--vm', '1']);
    expect(m.code).toBe(0);
    const w = decodeMemWrite(h.adapter.seen.find((e) => e.kind === Kind.CMD_MEMWRITE)!.inln);
    expect([w.gva, w.len, w.flags, [...w.inlineData]]).toEqual([
      0xffff8000n,
      2,
      MemWriteFlag.SRC_INLINE,
      [0x90, 0xc3],
    ]);
    const big = await vmsig(['memwrite', '0x1000', 'ab'.repeat(100), '--vm', '1']);
    expect(big.code).toBe(0);
    const pw = h.adapter.seen.filter((e) => e.kind === Kind.CMD_MEMWRITE)[1]!;
    expect([decodeMemWrite(pw.inln).flags, pw.payload?.bytes.length]).toEqual([
      MemWriteFlag.SRC_PAYLOAD,
      100,
    ]);
  });

  it('events --json --count replays seam state as JSON lines', async () => {
    const r = await vmsig(['events', '--json', '--kind', 'SEAM_UP', '--vm', '1', '--count', '3']);
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; endpoint: number; fields: { name: string } });
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.kind === 'SEAM_UP' && l.endpoint === 1 && l.fields.name === 'vm-one')).toBe(
      true,
    );
  });

  it('without --socket/--token it uses the default configuration: its socket and console token', async () => {
    const cfgDir = path.join(h.dir, 'vmsig');
    fs.mkdirSync(cfgDir, { recursive: true, mode: 0o700 });
    writeHostConfig(cfgDir, {
      socket: h.socket,
      controls: [control('operator', 1, TOKENS.op, ['OBSERVE', 'VM'], { leasePrio: 10, console: true })],
    });
    const r = await vmsig(['vm', 'status', '--vm', '1'], null);
    expect([r.code, r.out.trim()]).toEqual([0, 'VM 1: RUNNING']);
    fs.rmSync(cfgDir, { recursive: true });
    const none = await vmsig(['vm', 'status', '--vm', '1'], null);
    expect(none.code).toBe(2);
    expect(none.err).toContain('no token');
  });

  it('bad arguments are usage errors (exit 2); a bad token prints AUTH (exit 1)', async () => {
    const u = await vmsig(['input', 'key', 'enter']);
    expect(u.code).toBe(2);
    expect(u.err).toContain('--vm is required');
    expect((await vmsig(['lease', 'grab', 'INPUT', '--vm', '1'])).code).toBe(2);
    expect((await vmsig(['vm', 'status', '--vm', '1', '--colour', 'red'])).err).toContain(
      'unknown option --colour',
    );
    const a = await vmsig(['vm', 'status', '--vm', '1'], 'wrong-token');
    expect(a.code).toBe(1);
    expect(a.err).toContain('AUTH');
  });
});
