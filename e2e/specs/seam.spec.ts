/* Killing QEMU (by its PID) shows the VM's seams down within 2 s. */
import { eventually } from '../harness/assert';
import type { Spec } from '../harness/runner';

export const seamSpecs: Spec[] = [
  {
    name: 'killing QEMU shows the seam down within 2 s',
    async run({ ui, host, shot }) {
      const pid = host.qemuPid();
      if (!pid) throw new Error('no QEMU child of vmsig serve found');
      await ui.seam('demo', 'VMHOST', true).waitFor();
      const killed = Date.now();
      process.kill(pid, 'SIGKILL');
      await eventually(
        'a seam of demo shown down',
        async () => (await ui.seam('demo', 'VMHOST', false).count()) > 0,
        2_000,
      );
      console.log(`    seam down shown ${Date.now() - killed} ms after SIGKILL`);
      await shot('08-seam-down');
    },
  },
];
