/*
 * Issue 9: the serial pane shows a managed VM's ttyS0 live (and finds text in it), and the
 * New VM form creates a managed VM from an ISO path, which the host writes to its
 * configuration file and boots (its GRUB menu, drawn with terminal escapes, appears in the new VM's serial pane); removing
 * it takes it out of the file again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../harness/fixtures';
import { debianImage } from '../../test/helpers/debian';

test('the serial pane shows the guest output live and searches it', async ({ ui, page, shot }) => {
  const pane = page.getByRole('region', { name: 'Serial console' });
  await expect(pane.getByTestId('serial-terminal')).toContainText('VMSIG-GUEST-READY', { timeout: 30_000 });
  await expect(pane.getByLabel('Serial status')).toContainText('QEMU pid');
  await pane.getByLabel('Search serial output').fill('no-such-text-anywhere');
  await pane.getByRole('button', { name: 'Next' }).click();
  await expect(pane.getByLabel('Serial status')).toContainText('not found');
  await shot(page, 'serial-pane');
  void ui;
});

test('New VM from an ISO path: written to the configuration, booted, its menu on serial; Remove undoes it', async ({
  ui,
  page,
  host,
  shot,
}) => {
  const iso = debianImage().iso;
  test.skip(!fs.existsSync(iso), `no test ISO (${iso}): run npm run debian-image`);
  test.setTimeout(150_000);
  await page.getByRole('button', { name: 'New VM' }).click();
  const form = page.getByRole('form', { name: 'New VM' });
  await form.getByLabel('Id', { exact: true }).fill('9');
  await form.getByLabel('Name', { exact: true }).fill('iso-menu');
  await form.getByLabel('ISO image').fill(iso);
  await form.getByLabel('Memory (MiB)').fill('256');
  await form.getByRole('button', { name: 'Create and start' }).click();
  await expect(ui.notices()).toContainText('iso-menu created', { timeout: 60_000 });
  const config = JSON.parse(fs.readFileSync(path.join(host.dir, 'config.json'), 'utf8')) as {
    vms: { id: number }[];
  };
  expect(config.vms.find((v) => v.id === 9)).toEqual({
    id: 9,
    name: 'iso-menu',
    managed: { memoryMiB: 256, cdrom: iso },
  });
  await ui.vmRow('iso-menu').click();
  const pane = page.getByRole('region', { name: 'Serial console' });
  await expect(pane.getByTestId('serial-terminal')).toContainText('vmsig ISO: second entry', {
    timeout: 90_000,
  });
  await shot(page, 'new-vm-iso-serial');
  page.once('dialog', (d) => void d.accept());
  await ui.vmRow('iso-menu').getByRole('button', { name: 'Remove' }).click();
  await expect(ui.vmRow('iso-menu')).toHaveCount(0, { timeout: 20_000 });
  const after = JSON.parse(fs.readFileSync(path.join(host.dir, 'config.json'), 'utf8')) as {
    vms: { id: number }[];
  };
  expect(after.vms.map((v) => v.id)).toEqual([1]);
});
