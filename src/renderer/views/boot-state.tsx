/*
 * How a VM's host state and accelerator read in the list and the VM view: a running guest
 * that has shown no sign of life since its start or reset says so with the seconds, and the
 * accelerator comes with the reason it was chosen. Display only; the host decides both.
 */
import type { VmView } from '../../shared/ipc';

/** Whether a running VM's guest has shown no sign of life since its start or reset. */
export function isSilent(vm: VmView): boolean {
  return vm.host === 'running' && vm.silentForS !== null && vm.silentForS !== undefined;
}

/** The host state, with "no guest output for N s" while a running guest is silent. */
export function hostStateText(vm: VmView): string {
  return isSilent(vm) ? `running — no guest output for ${vm.silentForS} s` : vm.host;
}

/** The accelerator badge (its reason as the tooltip), or nothing while no QEMU runs. */
export function AccelBadge({ vm }: { vm: VmView }) {
  if (!vm.accel) return null;
  return (
    <span className="accel muted" aria-label="Accelerator" title={vm.accelReason ?? undefined}>
      {vm.accel.toUpperCase()}
    </span>
  );
}

/** The accelerator with its reason spelled out (the VM view's line). */
export function AccelLine({ vm }: { vm: VmView }) {
  if (!vm.accel) return null;
  return (
    <p className="muted small" aria-label="Accelerator and reason">
      {vm.accel.toUpperCase()}
      {vm.accelReason ? ` — ${vm.accelReason}` : ''}
    </p>
  );
}
