/*
 * Issue 10 item 2: host operations are gated and recorded. A real core and a real journal
 * on disk; the VM "targets" only record what reached them, so a refused operation is
 * proved not to have reached a VM, and every operation (accepted or refused) is read back
 * from the journal with its principal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, type ControlSpec, Core, maskOf } from '../../src/main/core';
import { ConsoleService } from '../../src/main/host/console';
import { HostOps, type HostOpRequest } from '../../src/main/host/host-ops';
import { type Journal, openJournal } from '../../src/main/host/journal';
import { Cap, ErrorCode, Kind, LeaseClass, encodeLeaseReq, makeEvent, Dir } from '../../src/shared/model';
import { recordingTargets } from '../helpers/host-op-targets';

const clock = { nowNs: () => Number(process.hrtime.bigint()) };
const sink = { wake: () => {}, closed: () => {} };

function spec(name: string, principal: number, caps: number, grant = ALL_ENDPOINTS): ControlSpec {
  return { name, principal, caps, grant, leasePrio: principal };
}

let dir = '';
let journal: Journal | null = null;
afterEach(() => {
  journal?.close();
  journal = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function rig() {
  const core = new Core({ clock });
  core.addEndpoint(1, 'one');
  core.addEndpoint(2, 'two');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-hostops-'));
  journal = openJournal(core, { dir });
  const reached: string[] = [];
  const j = journal;
  const ops = new HostOps({
    core,
    journal: () => j,
    nowNs: clock.nowNs,
    log: () => {},
    targets: recordingTargets(reached),
  });
  const attach = (s: ControlSpec): number => core.attachControl(s, sink);
  const run = async (id: number, req: HostOpRequest): Promise<string> => {
    try {
      await ops.run(id, req);
      return 'OK';
    } catch (e) {
      return Object.entries(ErrorCode).find(([, v]) => v === (e as { code: number }).code)?.[0] ?? String(e);
    }
  };
  return { core, ops, reached, attach, run, journal: j };
}

const add = (vm: number): HostOpRequest => ({ op: 'vm.add', vm, name: `vm${vm}`, qmp: '/run/x.qmp' });

describe('host operations are gated (protocol §10)', () => {
  it('a control without HOST is refused PERM to add and remove; nothing reaches a VM', async () => {
    const r = rig();
    const power = r.attach(spec('power-only', 7, Cap.OBSERVE | Cap.POWER | Cap.VM));
    expect(await r.run(power, add(5))).toBe('PERM');
    expect(await r.run(power, { op: 'vm.remove', vm: 1 })).toBe('PERM');
    expect(r.reached).toEqual([]);
    const host = r.attach(spec('host', 3, Cap.HOST));
    expect(await r.run(host, add(5))).toBe('OK');
    expect(await r.run(host, { op: 'vm.remove', vm: 1 })).toBe('OK');
    expect(r.reached).toEqual(['add 5', 'remove 1']);
  });

  it('HOST inside the grant only: a VM id outside it is GRANT, an unknown VM to remove NOENT', async () => {
    const r = rig();
    const host = r.attach(spec('host-on-1', 3, Cap.HOST, maskOf([1, 9])));
    expect(await r.run(host, add(5))).toBe('GRANT');
    expect(await r.run(host, { op: 'vm.remove', vm: 2 })).toBe('GRANT');
    expect(await r.run(host, { op: 'vm.remove', vm: 9 })).toBe('NOENT');
    expect(r.reached).toEqual([]);
  });

  it('start and stop need POWER and the endpoint in the grant', async () => {
    const r = rig();
    const noPower = r.attach(spec('observer', 9, Cap.OBSERVE | Cap.VM | Cap.HOST));
    const power1 = r.attach(spec('power-on-1', 8, Cap.POWER, maskOf([1])));
    expect(await r.run(noPower, { op: 'vm.start', vm: 1 })).toBe('PERM');
    expect(await r.run(noPower, { op: 'vm.stop', vm: 1 })).toBe('PERM');
    expect(await r.run(power1, { op: 'vm.stop', vm: 2 })).toBe('GRANT');
    expect(await r.run(power1, { op: 'vm.start', vm: 2 })).toBe('GRANT');
    expect(r.reached).toEqual([]);
    expect(await r.run(power1, { op: 'vm.stop', vm: 1 })).toBe('OK');
    expect(await r.run(power1, { op: 'vm.start', vm: 1 })).toBe('OK');
    expect(r.reached).toEqual(['stop 1', 'start 1']);
  });

  it('a POWER lease held by another control refuses start/stop LEASE; its holder may', async () => {
    const r = rig();
    const holder = r.attach(spec('holder', 1, Cap.POWER));
    const other = r.attach(spec('other', 2, Cap.POWER));
    const acquire = r.core.submit(
      holder,
      makeEvent({
        kind: Kind.CMD_ACQUIRE,
        dir: Dir.DOWN,
        endpoint: 1,
        inln: encodeLeaseReq({ cls: LeaseClass.POWER, reason: 0 }),
      }),
    );
    expect(acquire.accepted).toBe(true);
    expect(await r.run(other, { op: 'vm.stop', vm: 1 })).toBe('LEASE');
    expect(await r.run(other, { op: 'vm.start', vm: 1 })).toBe('LEASE');
    expect(await r.run(other, { op: 'vm.stop', vm: 2 })).toBe('OK'); // the lease is per endpoint
    expect(await r.run(holder, { op: 'vm.stop', vm: 1 })).toBe('OK');
    expect(r.reached).toEqual(['stop 2', 'stop 1']);
  });

  it('every operation is journaled with its principal: refused ones with their code, accepted ones before and after', async () => {
    const r = rig();
    const weak = r.attach(spec('weak', 9, Cap.OBSERVE));
    const op = r.attach(spec('operator', 1, Cap.POWER | Cap.HOST));
    await r.run(weak, { op: 'vm.stop', vm: 1 });
    await r.run(weak, add(4));
    await r.run(op, { op: 'vm.stop', vm: 1 });
    const page = r.journal.reader().hostOps({ limit: 100, order: 'asc' });
    const rows = page.records.map((x) => ({
      principal: x.principal,
      control: x.controlName,
      op: x.hostOp.op,
      vm: x.hostOp.vm,
      phase: x.hostOp.phase,
      refused: x.refused,
      err: x.hostOp.err,
    }));
    expect(rows).toEqual([
      {
        principal: 9,
        control: 'weak',
        op: 'vm.stop',
        vm: 1,
        phase: 'requested',
        refused: ErrorCode.PERM,
        err: 0,
      },
      {
        principal: 9,
        control: 'weak',
        op: 'vm.add',
        vm: 4,
        phase: 'requested',
        refused: ErrorCode.PERM,
        err: 0,
      },
      { principal: 1, control: 'operator', op: 'vm.stop', vm: 1, phase: 'requested', refused: null, err: 0 },
      { principal: 1, control: 'operator', op: 'vm.stop', vm: 1, phase: 'done', refused: null, err: 0 },
    ]);
    expect(page.records[1]!.hostOp.args).toEqual({ name: 'vm4', qmp: '/run/x.qmp' });
    // A host operation is its own record type: it never shows up as a wire event.
    expect(r.journal.reader().query({ limit: 100 }).records).toHaveLength(0);
  });

  it("a failing operation's outcome is journaled with its code and message", async () => {
    const r = rig();
    const op = r.attach(spec('operator', 1, Cap.POWER));
    const failing = new HostOps({
      core: r.core,
      journal: () => r.journal,
      nowNs: clock.nowNs,
      log: () => {},
      targets: {
        startVm: async () => {
          throw new Error('qemu-system-x86_64 not found');
        },
        stopVm: async () => {},
        removeVm: async () => {},
        addAttachedVm: async () => {},
      },
    });
    await expect(failing.run(op, { op: 'vm.start', vm: 2 })).rejects.toThrow('not found');
    const done = r.journal.reader().hostOps({ limit: 1 }).records[0]!;
    expect(done.hostOp).toMatchObject({ op: 'vm.start', vm: 2, phase: 'done', err: ErrorCode.IO });
    expect(done.hostOp.message).toContain('qemu-system-x86_64 not found');
  });

  it('an operation the journal cannot record is refused IO and never reaches a VM', async () => {
    const r = rig();
    const op = r.attach(spec('operator', 1, Cap.POWER));
    r.journal.close(); // a closed journal records nothing
    expect(await r.run(op, { op: 'vm.stop', vm: 1 })).toBe('IO');
    expect(r.reached).toEqual([]);
  });

  it('the console’s own buttons take the same gate: a console control without HOST cannot remove, without POWER cannot stop', async () => {
    const r = rig();
    const consoleSpec = spec('console', 2, Cap.OBSERVE | Cap.VM);
    const svc = new ConsoleService(
      {
        core: r.core,
        vms: () => [],
        hostOp: (id, req) => r.ops.run(id, req),
        consoleControl: () => consoleSpec,
        readiness: () => ({ qemu: null, guest: null }),
        nowNs: clock.nowNs,
      },
      { tickMs: 50 },
    );
    svc.start();
    try {
      const code = async (channel: string, req: unknown) =>
        ((await svc.dispatch(channel, req)) as { ok: boolean; error?: { code: number } }).error?.code ?? 0;
      expect(await code('vm.remove', { id: 1 })).toBe(ErrorCode.PERM);
      expect(await code('vm.addAttached', { id: 3, name: 'x', qmp: '/run/x.qmp' })).toBe(ErrorCode.PERM);
      expect(await code('vm.stop', { id: 1 })).toBe(ErrorCode.PERM);
      expect(await code('vm.start', { id: 1 })).toBe(ErrorCode.PERM);
      expect(r.reached).toEqual([]);
      const refused = r.journal.reader().hostOps({ limit: 10, order: 'asc' }).records;
      expect(refused.map((x) => [x.principal, x.hostOp.op, x.refused])).toEqual([
        [2, 'vm.remove', ErrorCode.PERM],
        [2, 'vm.add', ErrorCode.PERM],
        [2, 'vm.stop', ErrorCode.PERM],
        [2, 'vm.start', ErrorCode.PERM],
      ]);
    } finally {
      svc.stop();
    }
  });
});
