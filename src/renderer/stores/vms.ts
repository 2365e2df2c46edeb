/*
 * The VM list as the host last reported it, plus which VM the operator is looking at.
 * Fed by snapshots only; lease holders are not copied here (they are derived from the
 * leases store by selectors).
 */
import { create } from 'zustand';
import type { Readiness, Snapshot, VmView } from '../../shared/ipc';

/** VM domain state. */
export interface VmsState {
  vms: VmView[];
  readiness: Readiness;
  self: Snapshot['self'] | null;
  selected: number | null;
  /** VM ids whose start the operator asked for and that have not reported running yet. */
  starting: number[];
  /** VM ids started from this console that run while their guest has shown no output yet. */
  booting: number[];
  connected: boolean;
  loaded: boolean;
  /** Core clock (ns) and wall clock (ms) of the last snapshot, to place event times. */
  clock: { ns: number; ms: number } | null;
  /**
   * Wall ms minus core ms: what rows need to place event times. It changes only when the
   * wall clock steps (2 ms or more), so rows do not re-render for every snapshot's clock.
   */
  wallOffsetMs: number | null;
}

/** The VMs store. */
export const useVms = create<VmsState>()(() => ({
  vms: [],
  readiness: { qemu: null, guest: null },
  self: null,
  selected: null,
  starting: [],
  booting: [],
  connected: false,
  loaded: false,
  clock: null,
  wallOffsetMs: null,
}));

/** The clock fields a snapshot's clock gives: wallOffsetMs keeps its value until the offset moved by 2 ms or more. */
export function withClock(
  s: VmsState,
  clock: { ns: number; ms: number },
): Pick<VmsState, 'clock' | 'wallOffsetMs'> {
  const offset = clock.ms - clock.ns / 1e6;
  const keep = s.wallOffsetMs !== null && Math.abs(offset - s.wallOffsetMs) < 2;
  return { clock, wallOffsetMs: keep ? s.wallOffsetMs : Math.round(offset) };
}

/** Folds a snapshot in: keeps the selection when the VM still exists, else picks the first. */
export function reduceSnapshot(s: VmsState, snap: Snapshot): Partial<VmsState> {
  const ids = snap.vms.map((v) => v.id);
  const selected = s.selected !== null && ids.includes(s.selected) ? s.selected : (ids[0] ?? null);
  const starting = s.starting.filter((id) => {
    const vm = snap.vms.find((v) => v.id === id);
    return vm !== undefined && vm.host === 'starting';
  });
  // A start is not over when QEMU runs: progress stays until the guest itself shows output.
  const booting = s.booting.filter((id) => {
    const vm = snap.vms.find((v) => v.id === id);
    return vm !== undefined && vm.host === 'running' && vm.silentForS !== null && vm.silentForS !== undefined;
  });
  return {
    vms: snap.vms,
    readiness: snap.readiness,
    self: snap.self,
    selected,
    starting,
    booting,
    loaded: true,
    ...withClock(s, snap.clock),
  };
}

/** The selected VM, or undefined. */
export const selectSelectedVm = (s: VmsState): VmView | undefined => s.vms.find((v) => v.id === s.selected);

/** Whether every seam of a VM is up (a VM with no seam reported is not up). */
export function allSeamsUp(vm: VmView): boolean {
  return vm.seams.length > 0 && vm.seams.every((x) => x.up);
}

/** The empty-state message when VMs cannot run here, or null. */
export function readinessMessage(r: Readiness): string | null {
  if (r.qemu) return headline('QEMU not found: install qemu-system-x86', r.qemu);
  if (r.guest) return headline('Test guest not built: run npm run guest', r.guest);
  return null;
}

/** The headline with the host's detail, unless the detail already says it (no doubled text). */
function headline(text: string, detail: string): string {
  const plain = detail.replace(/^[A-Z_]+: /, '');
  return plain.toLowerCase().startsWith(text.slice(0, 12).toLowerCase()) ? plain : `${text} (${plain})`;
}
