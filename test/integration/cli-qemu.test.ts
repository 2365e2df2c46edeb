/*
 * The CLI against real QEMU through HostService: a managed test guest, `vmsig vm status`,
 * `vmsig input type` under the INPUT lease into the guest shell (checked on its serial
 * port), pause/resume, and a stop that leaves no process, socket or runtime file behind.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { GUEST_READY, bootTestVm, ensureGuest } from '../helpers/guest';

const BIN = path.resolve(__dirname, '../../bin/vmsig.mjs');
const TOKEN = 'cli-qemu-operator';
const guest = ensureGuest();

function vmsig(socket: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    // The token goes in the environment: --token would earn its "shown in ps" warning on stderr.
    execFile(
      process.execPath,
      [BIN, ...args, '--socket', socket],
      { env: { ...process.env, VMSIG_TOKEN: TOKEN } },
      (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

async function waitFile(file: string, marker: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(marker))) {
    if (Date.now() > end) throw new Error(`no "${marker}" in ${file} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!guest.ok)('vmsig CLI on a real managed VM', () => {
  let dir: string;
  let host: HostService;
  let pid: number;
  let serial: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cli-qemu-'));
    const cfg = path.join(dir, 'config.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        socket: 'run/control.sock',
        vms: [{ id: 1, name: 'demo', managed: { memoryMiB: 128 } }],
        controls: [
          {
            name: 'operator',
            principal: 1,
            token: TOKEN,
            caps: ['OBSERVE', 'INPUT', 'LIFECYCLE', 'POWER', 'VM'],
            endpoints: 'all',
            leasePrio: 10,
            console: true,
          },
        ],
      }),
    );
    host = await HostService.start({
      config: loadConfig(cfg),
      log: () => {},
      runtimeDir: path.join(dir, 'vms'),
    });
    const vm = host.vms()[0]!;
    expect(vm).toMatchObject({ id: 1, name: 'demo', kind: 'managed', state: 'running' });
    pid = vm.pid!;
    serial = vm.serialPath!;
    await waitFile(serial, GUEST_READY, 60_000);
  });

  afterAll(async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('vm status reports RUNNING once the seams are up', async () => {
    let r = await vmsig(host.socketPath, ['vm', 'status', '--vm', '1']);
    for (let i = 0; i < 20 && r.code !== 0; i++) {
      await new Promise((res) => setTimeout(res, 500));
      r = await vmsig(host.socketPath, ['vm', 'status', '--vm', '1']);
    }
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
    await waitFile(serial, 'CLI-MARK-42', 20_000);
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
      const cfg = path.join(dir, 'config.json');
      fs.writeFileSync(
        cfg,
        JSON.stringify({
          socket: 'run/control.sock',
          vms: [
            { id: 2, name: 'build-box', qmp: vm.handle.paths.qmp, memctx: { ramFile: vm.handle.paths.ram } },
          ],
          controls: [
            {
              name: 'operator',
              principal: 1,
              token: TOKEN,
              caps: ['OBSERVE', 'VM'],
              endpoints: [2],
              leasePrio: 1,
              console: true,
            },
          ],
        }),
      );
      const host = await HostService.start({ config: loadConfig(cfg), log: () => {} });
      try {
        expect(host.vms()[0]).toMatchObject({
          id: 2,
          kind: 'attached',
          state: 'attached',
          qmpPath: vm.handle.paths.qmp,
          pid: null,
        });
        let r = await vmsig(host.socketPath, ['vm', 'status', '--vm', '2']);
        for (let i = 0; i < 20 && r.code !== 0; i++) {
          await new Promise((res) => setTimeout(res, 500));
          r = await vmsig(host.socketPath, ['vm', 'status', '--vm', '2']);
        }
        expect(r.out.split('\n')[0]).toBe('VM 2: RUNNING');
        await host.removeVm(2);
        expect(host.vms()).toEqual([]);
        const gone = await vmsig(host.socketPath, ['vm', 'status', '--vm', '2']);
        expect([gone.code, gone.err.trim()]).toEqual([1, 'vm status on VM 2: refused: NOENT']);
        await host.addAttachedVm({ id: 2, name: 'again', qmp: vm.handle.paths.qmp });
        r = await vmsig(host.socketPath, ['vm', 'status', '--vm', '2']);
        for (let i = 0; i < 20 && r.code !== 0; i++) {
          await new Promise((res) => setTimeout(res, 500));
          r = await vmsig(host.socketPath, ['vm', 'status', '--vm', '2']);
        }
        expect(r.out.split('\n')[0]).toBe('VM 2: RUNNING');
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
