/*
 * Attached VMs from the UI: a QEMU the harness started is added by its QMP socket, shows
 * up running with its VMHOST seam up, and after removal leaves the list while QEMU (not
 * owned by the console) keeps running until the harness stops it.
 */
import { eventually, hasText } from '../harness/assert';
import { startAttachedQemu } from '../harness/extra-hosts';
import type { Spec } from '../harness/runner';

/** Endpoint id of the attached VM (the managed demo VM is 1). */
const ID = 5;
const NAME = 'attached-e2e';

export const attachedSpecs: Spec[] = [
  {
    name: 'an attached VM added by its QMP socket shows running with VMHOST up, and removing it keeps its QEMU running',
    async run({ ui, shot }) {
      const qemu = await startAttachedQemu(ID);
      try {
        await ui.addAttachedVm({ id: ID, name: NAME, qmp: qemu.qmpPath });
        await ui.seam(NAME, 'VMHOST', true).waitFor({ timeout: 20_000 });
        await hasText(ui.lifecycleOf(NAME), 'RUNNING');
        await hasText(ui.vmRow(NAME), `#${ID} · attached`);
        await shot('11-attached-vm');
        await ui.removeVm(NAME);
        await ui.vmRow(NAME).waitFor({ state: 'detached', timeout: 10_000 });
        await hasText(ui.notices(), `${NAME} removed`);
        // Give a wrongly owning host time to kill it: QEMU must still be there.
        await new Promise((r) => setTimeout(r, 1_000));
        await eventually('the attached QEMU still runs after removal', () => qemu.alive(), 1_000);
        process.kill(qemu.pid, 0); // throws ESRCH if the PID is gone
        await ui.vmRow('demo').click();
        await ui.waitForLiveScreen('demo');
      } finally {
        await qemu.stop();
      }
    },
  },
];
