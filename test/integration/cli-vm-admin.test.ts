/*
 * `vmsig vm add|edit|create|remove` on a real host with real tiny-guest QEMUs: a QEMU the
 * test started is attached by the CLI, listed, RUNNING and on screen; an edit renames it and
 * takes its display away and back; a host restarted on the same configuration file attaches
 * it again; remove forgets it and leaves its QEMU running. A managed VM created by the CLI
 * boots (the guest's marker on its serial port), and its removal stops its QEMU. Runs under
 * TCG unless VMSIG_ACCEL says otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { GUEST_READY, ensureGuest } from '../helpers/guest';
import { control, writeHostConfig } from '../helpers/host-config';
import { alive } from '../helpers/process';
import { type SocketQemu, startSocketQemu } from '../helpers/socket-qemu';
import { until, untilFileHas } from '../helpers/until';
import { type Run, runUntil, runVmsig } from '../helpers/vmsig-cli';

const TOKEN = 'cli-vm-admin-operator';
const guest = ensureGuest();

describe.skipIf(!guest.ok)(
  'vmsig vm add|edit|create|remove on a real host and real QEMU',
  { timeout: 120_000 },
  () => {
    let dir = '';
    let file = '';
    let qemu: SocketQemu | null = null;
    let host: HostService | null = null;
    const start = async (): Promise<HostService> =>
      (host = await HostService.start({
        config: loadConfig(file),
        log: () => {},
        runtimeDir: path.join(dir, 'vms'),
      }));
    const vmsig = (...args: string[]): Promise<Run> =>
      runVmsig([...args, '--socket', host!.socketPath], { VMSIG_TOKEN: TOKEN });
    const entries = (): { id: number; name: string; [k: string]: unknown }[] =>
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { vms: { id: number; name: string }[] }).vms;
    const running = (vm: number): Promise<Run> =>
      runUntil(
        () => vmsig('vm', 'status', '--vm', String(vm)),
        (r) => r.out.startsWith(`VM ${vm}: RUNNING`),
        60_000,
        `VM ${vm} RUNNING`,
      );

    beforeAll(async () => {
      process.env.VMSIG_ACCEL ??= 'tcg';
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cli-vm-admin-'));
      qemu = await startSocketQemu(dir);
      file = writeHostConfig(dir, {
        vms: [],
        controls: [control('operator', 1, TOKEN, ['OBSERVE', 'VM', 'POWER', 'HOST'], { console: true })],
        journal: false,
      });
      await start();
    }, 60_000);

    afterAll(async () => {
      await host?.stop();
      await qemu?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('vm add attaches the running QEMU: vm list shows it, vm status answers RUNNING, its screen is there', async () => {
      const q = qemu!;
      const add = await vmsig(
        'vm',
        'add',
        '--vm',
        '2',
        '--name',
        'outside',
        '--qmp',
        q.qmp,
        '--vnc',
        q.vnc,
        '--serial',
        q.serial,
      );
      expect([add.code, add.err, add.out.trim()]).toEqual([
        0,
        '',
        `VM 2: added outside (attached to ${q.qmp})`,
      ]);
      const list = await vmsig('vm', 'list');
      expect([list.code, list.out.trim()]).toEqual([0, 'VM 2 outside: attached (attached)']);
      await running(2);
      const png = path.join(dir, 'screen.png');
      const shot = await vmsig('vm', 'screenshot', '--vm', '2', png);
      expect([shot.code, shot.err]).toEqual([0, '']);
      expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
      expect(entries()).toEqual([{ id: 2, name: 'outside', qmp: q.qmp, vnc: q.vnc, serial: q.serial }]);
    });

    it('vm edit renames it and takes its display away and back, the rest unchanged', async () => {
      const q = qemu!;
      const edit = await vmsig('vm', 'edit', '--vm', '2', '--name', 'renamed', '--no-vnc');
      expect([edit.code, edit.err, edit.out.trim()]).toEqual([0, '', 'VM 2: edited renamed (attached)']);
      expect((await vmsig('vm', 'list')).out.trim()).toBe('VM 2 renamed: attached (attached)');
      await running(2);
      const shot = await vmsig('vm', 'screenshot', '--vm', '2', path.join(dir, 'none.png'));
      expect([shot.code, shot.err.trim()]).toEqual([
        1,
        'vm screenshot on VM 2: refused: NOENT (NOENT: VM 2 has no display now)',
      ]);
      expect(entries()).toEqual([{ id: 2, name: 'renamed', qmp: q.qmp, serial: q.serial }]);
      const back = await vmsig('vm', 'edit', '--vm', '2', '--vnc', q.vnc);
      expect([back.code, back.err]).toEqual([0, '']);
      expect(entries()).toEqual([{ id: 2, name: 'renamed', qmp: q.qmp, serial: q.serial, vnc: q.vnc }]);
    });

    it('a host restarted on the same file attaches the VM the CLI added; its QEMU ran on', async () => {
      await host!.stop();
      expect(qemu!.alive()).toBe(true);
      await start();
      expect((await vmsig('vm', 'list')).out.trim()).toBe('VM 2 renamed: attached (attached)');
      await running(2);
      const shot = await vmsig('vm', 'screenshot', '--vm', '2', path.join(dir, 'again.png'));
      expect([shot.code, shot.err]).toEqual([0, '']);
    });

    it('vm remove forgets it and drops its entry; its QEMU keeps running', async () => {
      const r = await vmsig('vm', 'remove', '--vm', '2');
      expect([r.code, r.err, r.out.trim()]).toEqual([0, '', 'VM 2: removed']);
      expect((await vmsig('vm', 'list')).out).toBe('');
      const gone = await vmsig('vm', 'status', '--vm', '2');
      expect([gone.code, gone.err.trim()]).toEqual([1, 'vm status on VM 2: refused: NOENT']);
      expect(entries()).toEqual([]);
      expect(qemu!.alive()).toBe(true);
    });

    it('vm create boots a managed VM (the guest’s marker on its serial port); vm remove stops its QEMU', async () => {
      const r = await vmsig('vm', 'create', '--vm', '4', '--name', 'made', '--memory', '128');
      expect([r.code, r.err, r.out.trim()]).toEqual([0, '', 'VM 4: created made and started it']);
      expect(entries()).toEqual([{ id: 4, name: 'made', managed: { memoryMiB: 128 } }]);
      const vm = host!.vms().find((v) => v.id === 4)!;
      expect(vm).toMatchObject({ kind: 'managed', state: 'running' });
      await untilFileHas(vm.serialPath!, GUEST_READY, 60_000);
      expect((await vmsig('vm', 'list')).out).toMatch(/^VM 4 made: running \(managed\)/);
      await running(4);
      const removed = await vmsig('vm', 'remove', '--vm', '4');
      expect([removed.code, removed.err]).toEqual([0, '']);
      await until(() => !alive(vm.pid!), 10_000, 'the created VM’s QEMU to exit', 100);
      expect(entries()).toEqual([]);
    });
  },
);
