/*
 * The empty/error state: a second, short-lived `vmsig serve` on a PATH without QEMU (and
 * no VMs configured) tells the operator plainly what is missing and that no VM is there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasText } from '../harness/assert';
import { startBareHost } from '../harness/extra-hosts';
import { ARTIFACTS, type Spec } from '../harness/runner';
import { ConsolePage } from '../pages/console-page';

export const readinessSpecs: Spec[] = [
  {
    name: 'with QEMU not on PATH the console says "QEMU not found: install qemu-system-x86" and shows no VM',
    async run({ page }) {
      // An empty directory as the whole PATH: findQemu() finds no qemu-system-x86_64.
      const emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-nopath-'));
      const env = { PATH: emptyBin, VMSIG_QEMU: '' };
      const bare = await startBareHost(env);
      const tab = new ConsolePage(await page.context().newPage());
      try {
        await tab.open(bare.url);
        await hasText(tab.alerts(), 'QEMU not found: install qemu-system-x86');
        await hasText(tab.page.getByRole('navigation', { name: 'VMs' }), 'No VMs configured');
        await tab.page.screenshot({ path: path.join(ARTIFACTS, '12-qemu-missing.png') });
      } finally {
        await tab.page.close();
        await page.bringToFront();
        await bare.stop();
        fs.rmSync(emptyBin, { recursive: true, force: true });
      }
    },
  },
];
