/*
 * A real operating system as an ATTACHED VM (issue 9, item 5): a QEMU we start by hand, as an
 * operator would, boots the Debian 12 disk (snapshot=on: the cached image is never written)
 * and is attached through HostService by its QMP, VNC and serial sockets (the host reads
 * ttyS0). Its screen comes through the relay, an operator logs in on tty1 by typing through
 * the core's INPUT lease, a command's output arrives on ttyS0, and an ACPI power-off ends in
 * SHUTDOWN.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cap } from '../../src/shared/model';
import { decodePng } from '../../src/main/host/display/png';
import { HostService } from '../../src/main/host/host-service';
import { type DebianQemu, ensureDebianImage, startDebianQemu } from '../helpers/debian';
import { control, parseHostConfig } from '../helpers/host-config';
import { until } from '../helpers/until';
import { TestControl, testLog } from '../helpers/adapters-harness';
import { type SerialView, expectDiskBoot, loginByTyping, powerOffByAcpi } from '../helpers/debian-harness';

const image = ensureDebianImage();
const BOOT_TIMEOUT_MS = 180_000;
/** agetty's prompt on ttyS0, at the end of the serial file (no newline follows it). */
const LOGIN_AT_END = /vmsig-debian login: $/;

let dir = '';
let qemu: DebianQemu | null = null;
let host: HostService | null = null;
let operator: TestControl;
let bootMs = 0;

/** ttyS0 as the host read it from the socket QEMU serves (the `serial` field). */
const serialText = (): string => host?.serialLog(3)?.log.text() ?? '';
const qemuGone = (): boolean => qemu?.gone() ?? true;
/** The host's serial log of the VM, read whole each time (it is small). */
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
      const t0 = Date.now();
      // Started "by someone else": its own sockets, ttyS0 on a socket it serves, no -no-shutdown.
      qemu = await startDebianQemu(dir, 'socket');
      const config = parseHostConfig(dir, {
        vms: [{ id: 3, name: 'debian-elsewhere', qmp: qemu.qmp, vnc: qemu.vnc, serial: qemu.serial }],
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
      await qemu?.stop();
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
