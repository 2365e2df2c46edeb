/*
 * An attached VM's declared serial port (`vms[].serial`), on real QEMU: the tiny guest runs in
 * a QEMU started by the test with `-serial unix:PATH,server=on,wait=off`; the host reads its
 * ttyS0 into the VM's capped log (what the serial pane shows). A second attached VM whose
 * serial socket does not exist fails alone, with an error naming `serial` and the path.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostService } from '../../src/main/host/host-service';
import { findQemu, guestPaths } from '../../src/main/host/launcher';
import { GUEST_READY, ensureGuest } from '../helpers/guest';
import { control, parseHostConfig } from '../helpers/host-config';
import { until } from '../helpers/until';
import { testLog } from '../helpers/adapters-harness';

const guest = ensureGuest();
let dir = '';
let qemu: ChildProcess | null = null;
let host: HostService | null = null;

describe.skipIf(!guest.ok)(
  'an attached VM with a declared serial port (real QEMU)',
  { timeout: 150_000 },
  () => {
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-attached-serial-'));
      const g = guestPaths();
      const [qmp, serial] = [path.join(dir, 'vm6.qmp'), path.join(dir, 'vm6.serial.sock')];
      qemu = spawn(
        findQemu(),
        [
          ...['-accel', 'tcg', '-m', '128M', '-display', 'none', '-nic', 'none'],
          ...['-qmp', `unix:${qmp},server=on,wait=off`, '-serial', `unix:${serial},server=on,wait=off`],
          ...['-kernel', g.kernel, '-initrd', g.initrd, '-append', 'console=ttyS0'],
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      await until(() => fs.existsSync(qmp) && fs.existsSync(serial), 15_000, 'QEMU sockets', 50);
      const config = parseHostConfig(dir, {
        vms: [
          { id: 6, name: 'elsewhere', qmp: 'vm6.qmp', serial: 'vm6.serial.sock' },
          { id: 7, name: 'no-serial', qmp: 'vm7.qmp', serial: 'vm7.serial.sock' },
        ],
        controls: [control('viewer', 1, 'attached-serial-viewer', ['OBSERVE'], { console: true })],
      });
      host = await HostService.start({ config, log: testLog, runtimeDir: path.join(dir, 'vms') });
    }, 60_000);

    afterAll(async () => {
      await host?.stop();
      if (qemu?.pid && qemu.exitCode === null && qemu.signalCode === null) {
        const exited = new Promise((r) => qemu!.once('exit', r));
        process.kill(qemu.pid, 'SIGKILL');
        await exited;
      }
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("reads the guest's ttyS0 from the socket QEMU serves into the VM's log", async () => {
      expect(host!.vms()[0]).toMatchObject({ id: 6, state: 'attached' });
      const feed = host!.serialLog(6)!;
      expect(feed.source).toBe(`unix:${path.join(dir, 'vm6.serial.sock')}`);
      const ready = await feed.log.waitFor(GUEST_READY, { timeoutMs: 120_000 });
      expect(ready.line).toMatch(/VMSIG-GUEST-READY kernel=\S+/);
      expect(feed.log.text()).toContain('Linux version');
      // Kept in the host's own runtime directory, where the cap applies.
      expect(host!.vms()[0]!.serialPath).toBe(path.join(dir, 'vms', 'vm6.serial'));
    });

    it('fails the VM whose serial socket is missing, naming the field and path; the other stays attached', () => {
      const [ok, bad] = host!.vms();
      expect(ok).toMatchObject({ id: 6, state: 'attached' });
      expect(bad).toMatchObject({ id: 7, state: 'failed', serialPath: null });
      expect(bad!.error).toContain(
        `"serial": cannot read the serial port at unix:${path.join(dir, 'vm7.serial.sock')}: ENOENT`,
      );
      expect(host!.serialLog(7)).toBeNull();
    });
  },
);
