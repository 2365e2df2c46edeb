/*
 * `vmsig vm list|status|start|stop` on a real managed VM through host request frames: a
 * control without POWER is refused and QEMU keeps running; the operator stops QEMU (its PID
 * gone) and starts it again (the VM answers RUNNING); another control's POWER lease refuses
 * a stop LEASE; every attempt is in the journal with its principal. Runs under TCG unless
 * VMSIG_ACCEL says otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { WireClient } from '../../src/main/wire';
import { ErrorCode, Kind, LeaseClass, encodeLeaseReq } from '../../src/shared/model';
import { GUEST_READY, ensureGuest } from '../helpers/guest';
import { control, managedVm, writeHostConfig } from '../helpers/host-config';
import { alive } from '../helpers/process';
import { until, untilFileHas } from '../helpers/until';
import { type Run, runUntil, runVmsig } from '../helpers/vmsig-cli';

const TOKENS = { op: 'host-ops-operator', robot: 'host-ops-robot', peer: 'host-ops-peer' };
const guest = ensureGuest();

/** The CLI with `token`; `socket` null for commands that take none (`journal`). */
const vmsig = (socket: string | null, token: string, args: string[]): Promise<Run> =>
  runVmsig([...args, ...(socket === null ? [] : ['--socket', socket])], { VMSIG_TOKEN: token });

describe.skipIf(!guest.ok)('vmsig vm start/stop on a real VM, gated and journaled', () => {
  let dir: string;
  let host: HostService;
  beforeAll(async () => {
    process.env.VMSIG_ACCEL ??= 'tcg';
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cli-hostops-'));
    const cfg = writeHostConfig(dir, {
      vms: [managedVm(1, 'demo')],
      controls: [
        control('operator', 1, TOKENS.op, ['OBSERVE', 'VM', 'POWER', 'HOST'], { console: true }),
        control('robot', 7, TOKENS.robot, ['OBSERVE', 'VM', 'INPUT']),
        control('peer', 20, TOKENS.peer, ['OBSERVE', 'POWER']),
      ],
    });
    host = await HostService.start({
      config: loadConfig(cfg),
      log: () => {},
      runtimeDir: path.join(dir, 'vms'),
      journal: { dir: path.join(dir, 'journal') },
    });
    const serial = host.vms()[0]!.serialPath!;
    await untilFileHas(serial, GUEST_READY, 60_000);
  });

  afterAll(async () => {
    await host?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('vm list and vm status report the host’s view of the VM', async () => {
    const list = await vmsig(host.socketPath, TOKENS.op, ['vm', 'list']);
    expect([list.code, list.err]).toEqual([0, '']);
    expect(list.out).toMatch(/^VM 1 demo: running \(managed\)/);
    const st = await runUntil(
      () => vmsig(host.socketPath, TOKENS.op, ['vm', 'status', '--vm', '1']),
      (r) => r.code === 0,
      60_000,
      'RUNNING',
    );
    const [state, facts] = st.out.trim().split('\n');
    expect(state).toBe('VM 1: RUNNING');
    // The accelerator and why it was chosen (VMSIG_ACCEL forces TCG in this test, or KVM if asked).
    const accel = process.env.VMSIG_ACCEL === 'kvm' ? 'kvm' : 'tcg';
    expect(facts).toMatch(new RegExp(`^VM 1 host: running \\(managed\\); accel ${accel} \\(.+\\)`));
  });

  it('vm screenshot writes the VM’s screen as a PNG (0600) through the host, never opening VNC itself', async () => {
    const file = path.join(dir, 'screen.png');
    const r = await vmsig(host.socketPath, TOKENS.robot, ['vm', 'screenshot', '--vm', '1', file]);
    expect([r.code, r.err]).toEqual([0, '']);
    const png = fs.readFileSync(file);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(w).toBeGreaterThan(0);
    expect(h).toBeGreaterThan(0);
    expect(r.out.trim()).toBe(`VM 1: screenshot ${w}x${h} written to ${file} (${png.length} bytes)`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a control without POWER is refused PERM: QEMU keeps running', async () => {
    const pid = host.vms()[0]!.pid!;
    const r = await vmsig(host.socketPath, TOKENS.robot, ['vm', 'stop', '--vm', '1']);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/^vm stop on VM 1: refused: PERM/);
    expect(alive(pid)).toBe(true);
    expect(host.vms()[0]!.state).toBe('running');
  });

  it('while another control holds the POWER lease, stop is refused LEASE', async () => {
    const pid = host.vms()[0]!.pid!;
    const peer = await WireClient.connect(host.socketPath);
    try {
      await peer.hello(TOKENS.peer, 'lease-holder');
      const g = await peer.request({
        kind: Kind.CMD_ACQUIRE,
        endpoint: 1,
        inln: encodeLeaseReq({ cls: LeaseClass.POWER, reason: 0 }),
      });
      expect(g.kind).toBe(Kind.LEASE_GRANTED);
      const r = await vmsig(host.socketPath, TOKENS.op, ['vm', 'stop', '--vm', '1']);
      expect([r.code, r.err.trim().split(' (')[0]]).toEqual([1, 'vm stop on VM 1: refused: LEASE']);
      expect(alive(pid)).toBe(true);
    } finally {
      await peer.close();
    }
  });

  it('the operator stops QEMU (its PID is gone) and starts it again (RUNNING)', async () => {
    const pid = host.vms()[0]!.pid!;
    const stop = await vmsig(host.socketPath, TOKENS.op, ['vm', 'stop', '--vm', '1']);
    expect([stop.code, stop.out.trim(), stop.err]).toEqual([0, 'VM 1: stop done', '']);
    await until(() => !alive(pid), 10_000, 'QEMU to exit', 250);
    expect(host.vms()[0]!.state).toBe('stopped');
    const start = await vmsig(host.socketPath, TOKENS.op, ['vm', 'start', '--vm', '1']);
    expect([start.code, start.out.trim(), start.err]).toEqual([0, 'VM 1: start done', '']);
    const newPid = host.vms()[0]!.pid!;
    expect(newPid).not.toBe(pid);
    expect(alive(newPid)).toBe(true);
    await runUntil(
      () => vmsig(host.socketPath, TOKENS.op, ['vm', 'status', '--vm', '1']),
      (r) => r.out.startsWith('VM 1: RUNNING'),
      60_000,
      'RUNNING after start',
    );
  });

  it('every attempt is journaled with its principal, refused ones with their code', () => {
    const rows = host
      .journal()!
      .reader()
      .hostOps({ limit: 100, order: 'asc' })
      .records.map(
        (r) => `${r.principal} ${r.hostOp.op} ${r.hostOp.phase} ${r.refused ?? 'ok'} ${r.hostOp.err}`,
      );
    expect(rows).toEqual([
      `7 vm.stop requested ${ErrorCode.PERM} 0`,
      `1 vm.stop requested ${ErrorCode.LEASE} 0`,
      '1 vm.stop requested ok 0',
      '1 vm.stop done ok 0',
      '1 vm.start requested ok 0',
      '1 vm.start done ok 0',
    ]);
  });

  it('vmsig journal --host-ops prints them with who asked and the verdict', async () => {
    const r = await vmsig(null, TOKENS.op, ['journal', '--dir', path.join(dir, 'journal'), '--host-ops']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(6);
    // The control name is the configured one plus the client's HELLO name.
    expect(lines[0]).toMatch(/ #\d+ vm1 HOST vm\.stop requested robot\/vmsig vm\(7\) REFUSED PERM \{\}$/);
    expect(lines[1]).toMatch(/ vm1 HOST vm\.stop requested operator\/vmsig vm\(1\) REFUSED LEASE \{\}$/);
    expect(lines[3]).toMatch(/ vm1 HOST vm\.stop done operator\/vmsig vm\(1\) -> OK \{\}$/);
    const jsonl = await vmsig(null, TOKENS.op, [
      'journal',
      '--dir',
      path.join(dir, 'journal'),
      '--host-ops',
      '--principal',
      '7',
      '--format',
      'jsonl',
    ]);
    expect(JSON.parse(jsonl.out)).toMatchObject({
      principal: 7,
      control: 'robot/vmsig vm',
      op: 'vm.stop',
      refused: 'PERM',
    });
  });
});
