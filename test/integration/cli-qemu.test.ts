/*
 * The CLI against real QEMU through HostService: a managed test guest, `vmsig vm status`,
 * `vmsig input type` under the INPUT lease into the guest shell (checked on its serial
 * port), pause/resume, and a stop that leaves no process, socket or runtime file behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { GUEST_READY, bootTestVm, ensureGuest } from '../helpers/guest';
import { control, managedVm, writeHostConfig } from '../helpers/host-config';
import { untilFileHas } from '../helpers/until';
import { type Run, runUntil, runVmsig } from '../helpers/vmsig-cli';

const TOKEN = 'cli-qemu-operator';
const guest = ensureGuest();

const vmsig = (socket: string, args: string[]): Promise<Run> =>
  runVmsig([...args, '--socket', socket], { VMSIG_TOKEN: TOKEN });

/** `vm status` once the VM's seams are up (refused until then), tried for 10 s. */
const statusWhenUp = (socket: string, vm: number): Promise<Run> =>
  runUntil(
    () => vmsig(socket, ['vm', 'status', '--vm', String(vm)]),
    (r) => r.code === 0,
    10_000,
    `VM ${vm} status`,
  );

describe.skipIf(!guest.ok)('vmsig CLI on a real managed VM', () => {
  let dir: string;
  let host: HostService;
  let pid: number;
  let serial: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cli-qemu-'));
    const cfg = writeHostConfig(dir, {
      vms: [managedVm(1, 'demo')],
      controls: [
        control('operator', 1, TOKEN, ['OBSERVE', 'INPUT', 'LIFECYCLE', 'POWER', 'VM'], {
          leasePrio: 10,
          console: true,
        }),
      ],
    });
    host = await HostService.start({
      config: loadConfig(cfg),
      log: () => {},
      runtimeDir: path.join(dir, 'vms'),
    });
    const vm = host.vms()[0]!;
    expect(vm).toMatchObject({ id: 1, name: 'demo', kind: 'managed', state: 'running' });
    pid = vm.pid!;
    serial = vm.serialPath!;
    await untilFileHas(serial, GUEST_READY, 60_000);
  });

  afterAll(async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('vm status reports RUNNING once the seams are up', async () => {
    const r = await statusWhenUp(host.socketPath, 1);
    expect(r.err).toBe('');
    // The VM's own state first; then the host's facts (host request `vms`).
    const [state, facts] = r.out.trim().split('\n');
    expect(state).toBe('VM 1: RUNNING');
    expect(facts).toMatch(/^VM 1 host: running \(managed\)/);
  });

  it('input type reaches the guest shell, which echoes a marker to its serial port', async () => {
    const r = await vmsig(host.socketPath, ['input', 'type', 'echo CLI-MARK-42 > /dev/ttyS0\n', '--vm', '1']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    await untilFileHas(serial, 'CLI-MARK-42', 20_000);
    expect((await vmsig(host.socketPath, ['lease', 'status', 'INPUT', '--vm', '1'])).out).toContain('free');
  });

  it('pause and resume change the state vm status reports', async () => {
    expect((await vmsig(host.socketPath, ['vm', 'pause', '--vm', '1'])).code).toBe(0);
    expect((await vmsig(host.socketPath, ['vm', 'status', '--vm', '1'])).out.split('\n')[0]).toBe(
      'VM 1: PAUSED',
    );
    expect((await vmsig(host.socketPath, ['vm', 'resume', '--vm', '1'])).code).toBe(0);
    expect((await vmsig(host.socketPath, ['vm', 'status', '--vm', '1'])).out.split('\n')[0]).toBe(
      'VM 1: RUNNING',
    );
  });

  it('HostService.stop ends QEMU by PID and removes the socket and runtime files', async () => {
    await host.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(fs.existsSync(host.socketPath)).toBe(false);
    const vmsDir = path.join(dir, 'vms');
    expect(fs.existsSync(vmsDir) ? fs.readdirSync(vmsDir) : []).toEqual([]);
  });
});

describe.skipIf(!guest.ok)('an attached VM (QEMU started by someone else)', () => {
  it('is driven through its QMP socket and left running when the host stops', async () => {
    const vm = await bootTestVm({ spec: { id: 2, name: 'outside' } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cli-attached-'));
    try {
      const cfg = writeHostConfig(dir, {
        vms: [
          { id: 2, name: 'build-box', qmp: vm.handle.paths.qmp, memctx: { ramFile: vm.handle.paths.ram } },
        ],
        controls: [control('operator', 1, TOKEN, ['OBSERVE', 'VM'], { endpoints: [2], console: true })],
      });
      const host = await HostService.start({ config: loadConfig(cfg), log: () => {} });
      try {
        expect(host.vms()[0]).toMatchObject({
          id: 2,
          kind: 'attached',
          state: 'attached',
          qmpPath: vm.handle.paths.qmp,
          pid: null,
        });
        expect((await statusWhenUp(host.socketPath, 2)).out.split('\n')[0]).toBe('VM 2: RUNNING');
        await host.removeVm(2);
        expect(host.vms()).toEqual([]);
        const gone = await vmsig(host.socketPath, ['vm', 'status', '--vm', '2']);
        expect([gone.code, gone.err.trim()]).toEqual([1, 'vm status on VM 2: refused: NOENT']);
        await host.addAttachedVm({ id: 2, name: 'again', qmp: vm.handle.paths.qmp });
        expect((await statusWhenUp(host.socketPath, 2)).out.split('\n')[0]).toBe('VM 2: RUNNING');
      } finally {
        await host.stop();
      }
      expect(vm.handle.running).toBe(true);
      expect(fs.existsSync(vm.handle.paths.qmp)).toBe(true);
    } finally {
      await vm.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
