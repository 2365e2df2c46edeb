/*
 * The empty/error state: a second, short-lived host on a PATH without QEMU (and no VMs
 * configured) tells the operator plainly what is missing and that no VM is there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, joinedText, test } from '../harness/fixtures';

test('with QEMU not on PATH the console says "QEMU not found: install qemu-system-x86" and shows no VM', async ({
  bareConsole,
  shot,
}) => {
  // An empty directory as the whole PATH: findQemu() finds no qemu-system-x86_64.
  const emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-nopath-'));
  try {
    const tab = await bareConsole({ PATH: emptyBin, VMSIG_QEMU: '' });
    await expect.poll(joinedText(tab.alerts())).toContain('QEMU not found: install qemu-system-x86');
    await expect(tab.page.getByRole('navigation', { name: 'VMs' })).toContainText('No VMs configured');
    await shot(tab.page, '12-qemu-missing');
  } finally {
    fs.rmSync(emptyBin, { recursive: true, force: true });
  }
});
