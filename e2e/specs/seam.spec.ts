/* Killing QEMU (by its PID) shows the VM's seams down within 2 s. */
import { expect, test } from '../harness/fixtures';

test('killing QEMU shows the seam down within 2 s', async ({ ui, page, host, shot }) => {
  const pid = host.qemuPid();
  expect(pid, 'a QEMU child of the host').not.toBeNull();
  await ui.seam('demo', 'VMHOST', true).waitFor();
  // The guest is gone for good: no later test may get this host.
  host.spoil();
  const killed = Date.now();
  process.kill(pid!, 'SIGKILL');
  await expect(ui.seam('demo', 'VMHOST', false).first(), 'a seam of demo shown down').toBeAttached({
    timeout: 2_000,
  });
  console.log(`    seam down shown ${Date.now() - killed} ms after SIGKILL`);
  await shot(page, '08-seam-down');
});
