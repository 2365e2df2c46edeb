/*
 * Issue 9, as an operator does it: create a VM from the Debian 12 disk image in the New VM
 * form, watch it boot in the serial pane, see its screen, log in on tty1 by typing on the
 * screen, see a command's output on the serial pane, power it off through ACPI (SHUTDOWN),
 * and remove it again. The slowest spec: a real systemd boot under TCG.
 */
import fs from 'node:fs';
import { expect, joinedText, test } from '../harness/fixtures';
import { loginOnScreenAndRun, serialTerminal } from '../harness/debian-login';
import { debianImage } from '../../test/helpers/debian';

test('a Debian VM made in the UI boots, takes a login typed on its screen and powers off through ACPI', async ({
  ui,
  page,
  shot,
}) => {
  const disk = debianImage().disk;
  test.skip(!fs.existsSync(disk), `no Debian image (${disk}): run npm run debian-image`);
  test.setTimeout(420_000);
  await page.getByRole('button', { name: 'New VM' }).click();
  const form = page.getByRole('form', { name: 'New VM' });
  await form.getByLabel('Id', { exact: true }).fill('10');
  await form.getByLabel('Name', { exact: true }).fill('debian');
  await form.getByLabel('Disk image').fill(disk);
  await form.getByLabel('Memory (MiB)').fill('512');
  await form.getByRole('button', { name: 'Create and start' }).click();
  await expect(ui.notices()).toContainText('debian created', { timeout: 60_000 });
  await ui.vmRow('debian').click();

  const serial = serialTerminal(ui);
  const t0 = Date.now();
  await expect(serial).toContainText('vmsig-debian login:', { timeout: 300_000 });
  console.info(`[e2e] Debian from its disk to the ttyS0 login prompt in ${Date.now() - t0} ms`);
  await ui.waitForLiveScreen('debian');
  await shot(page, 'debian-login-prompt');

  await loginOnScreenAndRun(
    ui,
    'debian',
    'echo VMSIG-E2E-DEBIAN-OUT >/dev/ttyS0; expr 6 + 36 >/dev/ttyS0',
    'VMSIG-E2E-DEBIAN-OUT',
  );
  await shot(page, 'debian-logged-in');

  await ui.power('Power down').click();
  await ui.confirm();
  await expect(serial).toContainText('reboot: Power down', { timeout: 120_000 });
  // QEMU halts the machine after SHUTDOWN (-no-shutdown): the list must not call that PAUSED.
  await expect(ui.lifecycleOf('debian')).toContainText('SHUTDOWN', { timeout: 30_000 });
  await ui.filterTimeline({ kind: 'VM_LIFECYCLE' });
  await expect
    .poll(joinedText(ui.timelineRows('VM_LIFECYCLE')), { timeout: 30_000 })
    .toContain('state=SHUTDOWN');
  page.once('dialog', (d) => void d.accept());
  await ui.vmRow('debian').getByRole('button', { name: 'Remove' }).click();
  await expect(ui.vmRow('debian')).toHaveCount(0, { timeout: 20_000 });
});
