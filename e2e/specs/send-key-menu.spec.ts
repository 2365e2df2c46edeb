/*
 * The send-key menu's chords shown by the guest itself: Alt+SysRq+h makes the kernel print
 * its SysRq help on the serial console; Ctrl+Alt+Del asks first, naming the VM (Cancel
 * sends nothing), then the kernel restarts (its own init never disabled Ctrl+Alt+Del).
 */
import fs from 'node:fs';
import { expect, test } from '../harness/fixtures';
import { vmsig, waitForSerial } from '../harness/host';
import { typeLikeAPerson } from '../harness/keyboard';

test('Alt+SysRq+h from the menu makes the guest kernel print its SysRq help', async ({ ui, page, host }) => {
  await ui.grabInput('demo');
  try {
    await ui.screen('demo').click();
    const tag = `SYSRQ-ON-${Date.now().toString(36)}`;
    await typeLikeAPerson(page, `echo 1 >/proc/sys/kernel/sysrq; echo ${tag} >/dev/ttyS0`);
    await page.keyboard.press('Enter');
    await waitForSerial(host.serialPath, tag);
    const before = fs.readFileSync(host.serialPath, 'utf8').length;
    await ui.sendKey('Alt+SysRq+key…');
    const dialog = page.getByRole('dialog', { name: 'Send Alt+SysRq' });
    await dialog.getByRole('combobox').selectOption('h');
    await dialog.getByRole('button', { name: 'Send to demo' }).click();
    await expect
      .poll(() => fs.readFileSync(host.serialPath, 'utf8').slice(before), { timeout: 20_000 })
      .toMatch(/sysrq: HELP : /);
    expect(vmsig(host, ['held', '--vm', '1'])).toContain('VM 1: nothing held');
  } finally {
    await ui.releaseButton().click();
  }
});

test('Ctrl+Alt+Del asks first naming the VM, Cancel sends nothing, Send restarts the guest', async ({
  ui,
  page,
  host,
}) => {
  await ui.grabInput('demo');
  const open = async () => {
    await ui.sendKey('Ctrl+Alt+Del');
    const dialog = page.getByRole('dialog', { name: 'Send Ctrl+Alt+Del' });
    await expect(dialog).toContainText('Send Ctrl+Alt+Del to demo?');
    return dialog;
  };
  const before = fs.readFileSync(host.serialPath, 'utf8').length;
  await (await open()).getByRole('button', { name: 'Cancel' }).click();
  await page.waitForTimeout(2000);
  expect(fs.readFileSync(host.serialPath, 'utf8').slice(before)).not.toMatch(/reboot: Restarting/);
  host.rebooting();
  await (await open()).getByRole('button', { name: 'Send Ctrl+Alt+Del' }).click();
  await expect
    .poll(() => fs.readFileSync(host.serialPath, 'utf8').slice(before), { timeout: 30_000 })
    .toMatch(/reboot: Restarting system/);
  await ui.releaseButton().click();
});
