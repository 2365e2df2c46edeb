/*
 * Issue 9 for a VM the console did not start: a QEMU "someone else" runs on the Debian 12
 * disk (snapshot=on) with its QMP, VNC and serial port on Unix sockets is attached by the
 * configuration (`qmp`, `vnc`, `serial`). In the page: its boot on the serial pane (the host
 * reads the port QEMU serves), its screen, a login typed on that screen, the command's output
 * on the serial pane, and an ACPI power-off seen as SHUTDOWN. One boot for the whole spec.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, joinedText, test } from '../harness/fixtures';
import { loginOnScreenAndRun, serialTerminal } from '../harness/debian-login';
import { startServe } from '../harness/extra-hosts';
import { OPERATOR_CONTROL, openWebConsole } from '../harness/host';
import { type DebianQemu, debianImage, startDebianQemu } from '../../test/helpers/debian';

test('an attached Debian VM shows its serial port, takes a login typed on its screen and powers off through ACPI', async ({
  context,
  shell,
  shot,
}, testInfo) => {
  test.skip(shell !== 'web', 'one shell is enough: attaching and the serial pushes are the same in both');
  const disk = debianImage().disk;
  test.skip(!fs.existsSync(disk), `no Debian image (${disk}): run npm run debian-image`);
  test.setTimeout(480_000);
  const qemuDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-debian-qemu-'));
  const serveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-debian-serve-'));
  let qemu: DebianQemu | null = null;
  const stops: (() => Promise<void>)[] = [];
  try {
    const t0 = Date.now();
    qemu = await startDebianQemu(qemuDir, 'socket');
    const config = path.join(serveDir, 'config.json');
    const doc = {
      socket: path.join(serveDir, 'control.sock'),
      vms: [{ id: 5, name: 'debian-elsewhere', qmp: qemu.qmp, vnc: qemu.vnc, serial: qemu.serial }],
      controls: [OPERATOR_CONTROL],
      journal: { dir: path.join(serveDir, 'journal') },
    };
    fs.writeFileSync(config, JSON.stringify(doc), { mode: 0o600 });
    const serve = await startServe(serveDir, config);
    stops.push(serve.stop);
    const session = await openWebConsole(() => context.newPage(), serve.url);
    stops.push(() => session.close(testInfo));
    const { ui } = session;
    await ui.vmRow('debian-elsewhere').click();

    // The guest's boot reaches the pane as it happens: the kernel's own log lines, then the
    // login prompt. (Not GRUB's menu: QEMU drops what its serial socket emits before the host
    // has connected, and under load a fast bootloader can finish before the host is up.)
    const serial = serialTerminal(ui);
    await expect(ui.page.getByLabel('Serial status')).toContainText(`unix:${qemu.serial}`);
    await expect(serial).toContainText(/\[\s*\d+\.\d{6}\] /, { timeout: 120_000 });
    await expect(serial).toContainText('vmsig-debian login:', { timeout: 300_000 });
    console.info(`[e2e] attached Debian to the ttyS0 login prompt in the pane in ${Date.now() - t0} ms`);
    await ui.waitForLiveScreen('debian-elsewhere');
    await shot(ui.page, 'debian-attached-login-prompt');

    const t1 = Date.now();
    // The marker is computed by the guest's shell: typed text stays on tty1, only output reaches ttyS0.
    await loginOnScreenAndRun(
      ui,
      'debian-elsewhere',
      'echo VMSIG-E2E-ATTACHED-$((6*7)) $(id -un) >/dev/ttyS0',
      'VMSIG-E2E-ATTACHED-42 root',
    );
    console.info(
      `[e2e] attached Debian: login typed in the page, output in the pane in ${Date.now() - t1} ms`,
    );
    await shot(ui.page, 'debian-attached-logged-in');

    await ui.power('Power down').click();
    await ui.confirm();
    await expect(serial).toContainText('reboot: Power down', { timeout: 120_000 });
    await ui.filterTimeline({ kind: 'VM_LIFECYCLE' });
    await expect
      .poll(joinedText(ui.timelineRows('VM_LIFECYCLE')), { timeout: 30_000 })
      .toContain('state=SHUTDOWN');
    // Started without -no-shutdown, the operator's QEMU then ends by itself.
    await expect.poll(() => qemu!.gone(), { timeout: 30_000 }).toBe(true);
  } finally {
    for (const stop of stops.reverse()) await stop();
    await qemu?.stop();
    fs.rmSync(qemuDir, { recursive: true, force: true });
    fs.rmSync(serveDir, { recursive: true, force: true });
  }
});
