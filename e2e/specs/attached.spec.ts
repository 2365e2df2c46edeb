/*
 * Attached VMs from the UI: a QEMU the harness started is added by its QMP socket, shows
 * up running with its VMHOST seam up, and after removal leaves the list while QEMU (not
 * owned by the console) keeps running until the harness stops it.
 */
import { startAttachedQemu } from '../harness/extra-hosts';
import { expect, test } from '../harness/fixtures';

/** Endpoint id of the attached VM (the managed demo VM is 1). */
const ID = 5;
const NAME = 'attached-e2e';

test('an attached VM added by its QMP socket shows running with VMHOST up, and removing it keeps its QEMU running', async ({
  ui,
  page,
  shot,
}) => {
  test.setTimeout(120_000);
  const qemu = await startAttachedQemu(ID);
  try {
    await ui.addAttachedVm({ id: ID, name: NAME, qmp: qemu.qmpPath });
    await ui.seam(NAME, 'VMHOST', true).waitFor({ timeout: 20_000 });
    await expect(ui.lifecycleOf(NAME)).toContainText('RUNNING');
    await expect(ui.vmRow(NAME)).toContainText(`#${ID} · attached`);
    await shot(page, '11-attached-vm');
    await ui.removeVm(NAME);
    await ui.vmRow(NAME).waitFor({ state: 'detached', timeout: 10_000 });
    await expect(ui.notices()).toContainText(`${NAME} removed`);
    // Give a wrongly owning host time to kill it: QEMU must still be there.
    await new Promise((r) => setTimeout(r, 1_000));
    await expect
      .poll(() => qemu.alive(), { message: 'the attached QEMU still runs after removal', timeout: 1_000 })
      .toBe(true);
    process.kill(qemu.pid, 0); // throws ESRCH if the PID is gone
    await ui.vmRow('demo').click();
    await ui.waitForLiveScreen('demo');
  } finally {
    await qemu.stop();
  }
});
