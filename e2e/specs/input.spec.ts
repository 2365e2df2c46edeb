/*
 * Input through the screen: grab, type a command the guest runs (its output reaches the
 * serial log), release; then a higher-priority socket client preempts the lease.
 */
import { eventually, hasText } from '../harness/assert';
import { vmsigBackground, waitForSerial } from '../harness/host';
import { typeLikeAPerson } from '../harness/keyboard';
import type { Spec } from '../harness/runner';

export const inputSpecs: Spec[] = [
  {
    name: 'grabbing input and typing on the screen runs a command in the guest',
    async run({ ui, page, host, shot }) {
      await ui.grabButton().click();
      await hasText(ui.leaseOwner(), 'INPUT lease: you');
      await ui.screen('demo').click();
      const marker = `VMSIG-E2E-${Date.now().toString(36)}`;
      await typeLikeAPerson(page, `echo ${marker} > /dev/ttyS0`);
      await page.keyboard.press('Enter');
      await waitForSerial(host.serialPath, marker);
      await shot('03-grabbed-typed');
      await ui.releaseButton().click();
      await hasText(ui.leaseOwner(), 'INPUT lease free');
    },
  },
  {
    name: 'Ctrl+Alt on the grabbed screen releases the grab and the INPUT lease, and no key stays held',
    async run({ ui, page }) {
      await ui.grabButton().click();
      await hasText(ui.leaseOwner(), 'INPUT lease: you');
      await ui.screen('demo').click();
      await page.keyboard.down('Control');
      await page.keyboard.down('Alt');
      await hasText(ui.leaseOwner(), 'INPUT lease free');
      await page.keyboard.up('Alt');
      await page.keyboard.up('Control');
      await page.getByRole('button', { name: 'Held keys' }).click();
      await hasText(page.getByLabel('Held keys'), 'none');
    },
  },
  {
    name: 'a higher-priority control preempts the INPUT lease and the UI says by whom',
    async run({ ui, host, shot }) {
      await ui.grabButton().click();
      await hasText(ui.leaseOwner(), 'INPUT lease: you');
      const robot = vmsigBackground(host, ['lease', 'acquire', 'INPUT', '--vm', '1', '--hold']);
      try {
        await hasText(ui.preemptedNotice(), /preempted by robot.* \(principal 7\)/);
        await hasText(ui.leaseOwner(), /held by robot.* \(principal 7\)/);
        await ui.grabButton().waitFor();
        await ui.openTab('Leases');
        await hasText(ui.table('Leases'), 'robot');
        await shot('04-preempted');
      } finally {
        robot.kill('SIGTERM');
      }
      await eventually(
        'the robot lease to go with its process',
        async () => (await ui.leaseOwner().textContent())?.includes('INPUT lease free') ?? false,
      );
      await ui.openTab('Timeline');
    },
  },
];
