// Creating, editing and deleting managed VMs through the host's gated operations, as the
// console's New VM form does: the configuration file on disk is what is checked (it is
// rewritten atomically, and never with a setting its own rules refuse), and the created VM
// really boots (its serial log shows the test guest ready).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS } from '../../src/main/core';
import { loadConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { Cap, ErrorCode } from '../../src/shared/model';
import { GUEST_READY, ensureGuest } from '../helpers/guest';
import { testLog } from '../helpers/adapters-harness';

const guest = ensureGuest();
const sink = { wake: () => {}, closed: () => {} };

describe.skipIf(!guest.ok)('managed VMs created, edited and deleted through host operations', () => {
  let dir: string;
  let file: string;
  let host: HostService;
  let admin: number;
  let viewer: number;
  const vmsInFile = (): unknown[] => JSON.parse(fs.readFileSync(file, 'utf8')).vms;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-create-'));
    fs.mkdirSync(path.join(dir, 'images'));
    fs.writeFileSync(path.join(dir, 'images', 'a.qcow2'), '');
    fs.writeFileSync(path.join(dir, 'images', 'b.iso'), '');
    fs.writeFileSync(path.join(dir, 'images', 'notes.txt'), '');
    fs.symlinkSync('/etc/passwd', path.join(dir, 'images', 'escape.img'));
    file = path.join(dir, 'config.json');
    const op = { principal: 1, caps: ['OBSERVE', 'HOST', 'POWER'], endpoints: 'all', leasePrio: 10 };
    fs.writeFileSync(
      file,
      JSON.stringify({
        socket: path.join(dir, 'control.sock'),
        imageDirs: ['images'],
        vms: [],
        controls: [{ name: 'operator', token: 't1', console: true, ...op }],
      }),
      { mode: 0o600 },
    );
    host = await HostService.start({
      config: loadConfig(file),
      log: testLog,
      runtimeDir: path.join(dir, 'vms'),
      accel: 'tcg',
    });
    admin = host.core.attachControl(
      { name: 'admin', principal: 1, caps: Cap.HOST | Cap.OBSERVE, grant: ALL_ENDPOINTS, leasePrio: 1 },
      sink,
    );
    viewer = host.core.attachControl(
      { name: 'viewer', principal: 2, caps: Cap.OBSERVE, grant: ALL_ENDPOINTS, leasePrio: 1 },
      sink,
    );
  });

  afterAll(async () => {
    await host?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('offers the disk images and ISOs of imageDirs only, not a link out of them', () => {
    expect(host.images().map((i) => [path.basename(i.path), i.kind])).toEqual([
      ['a.qcow2', 'disk'],
      ['b.iso', 'iso'],
    ]);
  });

  it('refuses a control without HOST and a setting the file refuses, leaving the file as it was', async () => {
    const before = fs.readFileSync(file, 'utf8');
    await expect(
      host.hostOp(viewer, { op: 'vm.create', vm: 4, name: 'x', managed: {} }),
    ).rejects.toMatchObject({
      code: ErrorCode.PERM,
    });
    await expect(
      host.hostOp(admin, { op: 'vm.create', vm: 4, name: 'x', managed: { firmware: 'efi' } }),
    ).rejects.toMatchObject({
      code: ErrorCode.INVAL,
      message: expect.stringContaining('managed.firmware: must be one of bios, uefi'),
    });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(host.vms()).toEqual([]);
  });

  it('creates a VM: written to the file, started, its guest boots', async () => {
    await host.hostOp(admin, { op: 'vm.create', vm: 4, name: 'made-in-ui', managed: { memoryMiB: 128 } });
    expect(vmsInFile()).toEqual([{ id: 4, name: 'made-in-ui', managed: { memoryMiB: 128 } }]);
    expect(host.vms()[0]).toMatchObject({ id: 4, kind: 'managed', state: 'running' });
    await host.serialLog(4)!.log.waitFor(GUEST_READY, { timeoutMs: 90_000 });
    expect(loadConfig(file).vms).toHaveLength(1);
  });

  it('a VM whose disk is missing is created but fails to start with the field named; the other keeps running', async () => {
    const missing = path.join(dir, 'images', 'gone.qcow2');
    await expect(
      host.hostOp(admin, { op: 'vm.create', vm: 5, name: 'broken', managed: { disks: [{ path: missing }] } }),
    ).rejects.toThrow(`disks[0].path: file not found: ${missing}`);
    expect(host.vms().map((v) => [v.id, v.state])).toEqual([
      [4, 'running'],
      [5, 'failed'],
    ]);
  });

  it('edits a VM: the file is rewritten and the running VM restarts with the new settings', async () => {
    const pid = host.vms()[0]!.pid;
    await host.hostOp(admin, {
      op: 'vm.edit',
      vm: 4,
      name: 'renamed',
      managed: { memoryMiB: 160, vcpus: 2 },
    });
    expect((vmsInFile() as { id: number }[]).find((v) => v.id === 4)).toEqual({
      id: 4,
      name: 'renamed',
      managed: { memoryMiB: 160, vcpus: 2 },
    });
    const vm = host.vms()[0]!;
    expect(vm).toMatchObject({ name: 'renamed', state: 'running' });
    expect(vm.pid).not.toBe(pid);
    expect(fs.readFileSync(`/proc/${vm.pid}/cmdline`, 'utf8').split('\0')).toEqual(
      expect.arrayContaining(['160M', '-smp', '2']),
    );
  });

  it('deletes VMs: gone from the host and from the file, no runtime file left', async () => {
    await host.hostOp(admin, { op: 'vm.remove', vm: 4 });
    await host.hostOp(admin, { op: 'vm.remove', vm: 5 });
    expect(vmsInFile()).toEqual([]);
    expect(host.vms()).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'vms'))).toEqual([]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
