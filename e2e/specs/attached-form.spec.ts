/*
 * The "Add attached VM" form with a display and a serial port: a tiny-guest QEMU the spec
 * started (QMP, VNC and serial on Unix sockets) is added in the page. A bad address is
 * refused beside its field; once added, the VM's screen is live and the guest's own output
 * (a marker its shell computes) reaches the serial pane. Its Edit form shows the same values
 * and saving re-attaches it, serial included. axe finds no critical or serious violation on
 * the form showing a refusal nor on the Edit form. QEMU and the host are the spec's own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seriousViolations } from '../harness/axe';
import { expect, test } from '../harness/fixtures';
import { serialTerminal } from '../harness/debian-login';
import { type SocketQemu, startSocketQemu } from '../harness/extra-hosts';
import { typeLikeAPerson } from '../harness/keyboard';

const ID = 6;
const NAME = 'form-attached';

test('an attached VM added in the form with vnc and serial shows its screen and its guest’s serial output; its Edit form round-trips', async ({
  bareConsole,
  shell,
  shot,
}) => {
  test.skip(shell !== 'web', 'one shell is enough: the form and the host operation are the same in both');
  test.setTimeout(150_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-attached-form-'));
  let qemu: SocketQemu | null = null;
  try {
    qemu = await startSocketQemu(dir);
    const ui = await bareConsole({});
    const { page } = ui;

    // A display address the configuration file would refuse: the host says so beside the field.
    const form = await ui.fillAttachedVm({
      id: ID,
      name: NAME,
      qmp: qemu.qmp,
      vnc: 'localhost:0',
      serial: qemu.serial,
    });
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const display = form.getByLabel('Display (VNC)');
    await expect(display).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByRole('alert')).toHaveText('"localhost:0" is not host:port with a port 1..65535');
    await expect(form.getByLabel('Serial port')).not.toHaveAttribute('aria-invalid', 'true');
    await expect(ui.vmRow(NAME)).toHaveCount(0);
    await shot(page, 'attached-form-refused-vnc');
    // The refusal beside its field is announced and labelled as the rest of the form is.
    expect(await seriousViolations(page)).toEqual([]);

    // Corrected: editing the field clears its error, and the host attaches the VM.
    await display.fill(qemu.vnc);
    await expect(form.getByRole('alert')).toHaveCount(0);
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    await ui.seam(NAME, 'VMHOST', true).waitFor({ timeout: 20_000 });
    await expect(ui.vmRow(NAME)).toContainText(`#${ID} · attached`);

    await ui.vmRow(NAME).click();
    await ui.waitForLiveScreen(NAME);
    await expect(page.getByLabel('Serial status')).toContainText(`unix:${qemu.serial}`);

    // Typed on tty1 through the screen; only the shell's output reaches ttyS0, and the guest
    // computes the marker. QEMU dropped what the port said before the host read it, so the
    // guest may still be booting: later rounds cover keys typed before its shell was up.
    const serial = serialTerminal(ui);
    const runInGuest = async (command: string, marker: string): Promise<void> => {
      await ui.grabInput(NAME);
      await ui.screen(NAME).click();
      for (let round = 0; round < 3; round++) {
        await page.keyboard.press('Enter');
        await typeLikeAPerson(page, command);
        await page.keyboard.press('Enter');
        const seen = await expect(serial)
          .toContainText(marker, { timeout: 20_000 })
          .then(() => true)
          .catch(() => false);
        if (seen) break;
      }
      await expect(serial).toContainText(marker);
      await ui.releaseButton().click();
    };
    await runInGuest('echo VMSIG-FORM-$((6*7)) > /dev/ttyS0', 'VMSIG-FORM-42');
    await shot(page, 'attached-form-serial-and-screen');

    // Edit: the form shows what was added, and saving it re-attaches the VM with screen and serial.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editForm = page.getByRole('form', { name: `Edit attached VM ${ID}` });
    await expect(editForm.getByLabel('Name')).toHaveValue(NAME);
    await expect(editForm.getByLabel('QMP socket')).toHaveValue(qemu.qmp);
    await expect(editForm.getByLabel('Display (VNC)')).toHaveValue(qemu.vnc);
    await expect(editForm.getByLabel('Serial port')).toHaveValue(qemu.serial);
    await shot(page, 'attached-form-edit');
    // Both themes, as a11y.spec checks the other forms.
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await seriousViolations(page), colorScheme).toEqual([]);
    }
    await editForm.getByRole('button', { name: 'Save', exact: true }).click();
    await editForm.waitFor({ state: 'detached' });
    await ui.seam(NAME, 'VMHOST', true).waitFor({ timeout: 20_000 });
    await ui.waitForLiveScreen(NAME);
    await runInGuest('echo VMSIG-FORM-EDITED-$((6*8)) > /dev/ttyS0', 'VMSIG-FORM-EDITED-48');

    await ui.removeVm(NAME);
    await ui.vmRow(NAME).waitFor({ state: 'detached', timeout: 10_000 });
    expect(qemu.alive()).toBe(true);
  } finally {
    await qemu?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
