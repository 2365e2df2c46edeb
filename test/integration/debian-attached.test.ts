/*
 * A real operating system as an ATTACHED VM (issue 9, item 5): a QEMU we start by hand, as an
 * operator would, boots the Debian 12 disk (snapshot=on: the cached image is never written)
 * and is attached through HostService by its QMP and VNC sockets. Its screen comes through
 * the relay, an operator logs in on tty1 by typing through the core's INPUT lease, a
 * command's output arrives on ttyS0, and an ACPI power-off ends in SHUTDOWN.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cap } from '../../src/shared/model';
import { decodePng } from '../../src/main/host/display/png';
import { HostService } from '../../src/main/host/host-service';
import { findQemu } from '../../src/main/host/launcher';
import { debianImage, ensureDebianImage } from '../helpers/debian';
import { control, parseHostConfig } from '../helpers/host-config';
import { alive } from '../helpers/process';
import { until } from '../helpers/until';
import { TestControl, testLog } from './adapters-harness';
import { type SerialView, expectDiskBoot, loginByTyping, powerOffByAcpi } from './debian-harness';

const image = ensureDebianImage();
const BOOT_TIMEOUT_MS = 180_000;
/** agetty's prompt on ttyS0, at the end of the serial file (no newline follows it). */
const LOGIN_AT_END = /vmsig-debian login: $/;

let dir = '';
let serialFile = '';
let qemu: ChildProcess | null = null;
let host: HostService | null = null;
let operator: TestControl;
let bootMs = 0;

const serialText = (): string => (fs.existsSync(serialFile) ? fs.readFileSync(serialFile, 'utf8') : '');
const qemuGone = (): boolean => qemu?.exitCode !== null || qemu?.signalCode !== null;
/** The serial file QEMU writes, read whole each time (it is small). */
const serial: SerialView = {
  size: () => serialText().length,
  text: (since = 0) => serialText().slice(since),
  sawLine: (line, since, timeoutMs) =>
    until(() => line.test(serialText().slice(since)), timeoutMs, 'the output', 250).then(
      () => true,
      () => false,
    ),
};

describe.skipIf(!image.ok)(
  'Debian 12 from its disk as an attached VM (real QEMU)',
  { timeout: 300_000 },
  () => {
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-debian-attached-'));
      serialFile = path.join(dir, 'serial.log');
      const qmp = path.join(dir, 'vm3.qmp');
      const vnc = path.join(dir, 'vm3.vnc');
      const t0 = Date.now();
      // Started "by someone else": its own sockets, its own serial file, no -no-shutdown.
      qemu = spawn(
        findQemu(),
        [
          ...['-accel', 'tcg', '-m', '512M', '-display', 'none', '-nic', 'none'],
          ...['-drive', `file=${debianImage().disk},format=raw,if=virtio,snapshot=on`],
          ...['-serial', `file:${serialFile}`, '-device', 'virtio-tablet-pci'],
          ...['-qmp', `unix:${qmp},server=on,wait=off`, '-vnc', `unix:${vnc}`],
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      await until(() => fs.existsSync(qmp) && fs.existsSync(vnc), 15_000, 'QEMU sockets', 50);
      const config = parseHostConfig(dir, {
        vms: [{ id: 3, name: 'debian-elsewhere', qmp: 'vm3.qmp', vnc: 'vm3.vnc' }],
        controls: [control('viewer', 1, 'debian-attached-viewer', ['OBSERVE'], { console: true })],
      });
      host = await HostService.start({ config, log: testLog });
      // Straight on the host's core, as the console's operator would be.
      operator = new TestControl(host.core, {
        name: 'operator',
        principal: 2,
        caps: Cap.OBSERVE | Cap.INPUT | Cap.LIFECYCLE | Cap.POWER,
        leasePrio: 10,
      }).subscribeAll();
      await until(() => host!.vms()[0]!.state === 'attached', 15_000, 'attached', 50);
      await until(
        () => LOGIN_AT_END.test(serialText()) || qemuGone(),
        BOOT_TIMEOUT_MS,
        'the ttyS0 login prompt',
        250,
      );
      expect(qemuGone(), 'QEMU exited during boot').toBe(false);
      bootMs = Date.now() - t0;
      console.info(`[debian-attached] disk boot to the ttyS0 login prompt in ${bootMs} ms (TCG, 512 MiB)`);
    }, BOOT_TIMEOUT_MS + 60_000);

    afterAll(async () => {
      await host?.stop();
      if (qemu?.pid && alive(qemu.pid) && qemu.exitCode === null) {
        const exited = new Promise((r) => qemu!.once('exit', r));
        process.kill(qemu.pid, 'SIGKILL');
        await exited;
      }
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('booted through its own GRUB from the disk, not through -kernel', () => {
      expectDiskBoot(serialText());
    });

    it('shows its screen through the relay: a PNG of tty1 that is not one colour', async () => {
      // tty1's login prompt may be drawn a little after ttyS0's: retry until text shows.
      let colours = 0;
      let png: ReturnType<typeof decodePng> | null = null;
      await until(
        async () => {
          png = decodePng(await host!.screenshot(3));
          const seen = new Set<number>();
          for (let i = 0; i < png.rgb.length && seen.size < 2; i += 3) seen.add(png.rgb.readUIntBE(i, 3));
          colours = seen.size;
          return colours > 1;
        },
        60_000,
        'a screenshot with more than one colour',
        1000,
      );
      expect(png!.width * png!.height).toBeGreaterThan(0);
      expect(colours).toBeGreaterThan(1);
    });

    it('logs in on tty1 by typing through the INPUT lease and runs a command whose output appears on ttyS0', async () => {
      const ms = await loginByTyping(operator, 3, serial);
      console.info(`[debian-attached] logged in on tty1, command output on ttyS0 in ${ms} ms`);
    });

    it('powers off through ACPI (system_powerdown) and the core reports SHUTDOWN', async () => {
      const ms = await powerOffByAcpi(operator, 3, serial);
      // Started without -no-shutdown, the operator's QEMU then exits by itself.
      await until(qemuGone, 30_000, 'QEMU exit', 100);
      console.info(`[debian-attached] ACPI power-off to SHUTDOWN in ${ms} ms`);
    });
  },
);
