/*
 * Input through the screen: grab, type a command the guest runs (its output reaches the
 * serial log), release; then a higher-priority socket client preempts the lease.
 */
import { expect, joinedText, test } from '../harness/fixtures';
import { vmsigBackground, waitForSerial } from '../harness/host';
import { typeLikeAPerson } from '../harness/keyboard';

test('grabbing input and typing on the screen runs a command in the guest', async ({
  ui,
  page,
  host,
  shot,
}) => {
  await ui.grabInput('demo');
  await ui.screen('demo').click();
  const marker = `VMSIG-E2E-${Date.now().toString(36)}`;
  await typeLikeAPerson(page, `echo ${marker} > /dev/ttyS0`);
  await page.keyboard.press('Enter');
  await waitForSerial(host.serialPath, marker);
  await shot(page, '03-grabbed-typed');
  await ui.releaseButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease free');
});

test('Ctrl+Alt on the grabbed screen releases the grab and the INPUT lease, and no key stays held', async ({
  ui,
  page,
}) => {
  await ui.grabInput('demo');
  await ui.releaseWithCtrlAlt('demo');
  await page.getByRole('button', { name: 'Held keys' }).click();
  await expect.poll(joinedText(page.getByLabel('Held keys'))).toContain('none');
});

test('a higher-priority control preempts the INPUT lease and the UI says by whom', async ({
  ui,
  page,
  host,
  shot,
}) => {
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  const robot = vmsigBackground(host, ['lease', 'acquire', 'INPUT', '--vm', '1', '--hold']);
  try {
    await expect(ui.preemptedNotice()).toContainText(/preempted by robot.* \(principal 7\)/);
    await expect(ui.leaseOwner()).toContainText(/held by robot.* \(principal 7\)/);
    await ui.grabButton().waitFor();
    await ui.openTab('Leases');
    await expect(ui.table('Leases')).toContainText('robot');
    await shot(page, '04-preempted');
  } finally {
    robot.kill('SIGTERM');
  }
  // The robot's lease goes with its process.
  await expect(ui.leaseOwner()).toContainText('INPUT lease free');
});
