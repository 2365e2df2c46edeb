/*
 * Every lease of every VM, as the core's arbiter reported it in the last snapshot.
 * The single place the UI reads lease ownership from; selectors derive per-VM views.
 */
import { create } from 'zustand';
import type { LeaseClassName, LeaseView } from '../../shared/ipc';

/** Lease domain state. */
export interface LeasesState {
  leases: LeaseView[];
}

/** The leases store. */
export const useLeases = create<LeasesState>()(() => ({ leases: [] }));

/** The holder of one lease, or undefined when free. */
export function leaseHolder(
  leases: readonly LeaseView[],
  endpoint: number,
  cls: LeaseClassName,
): LeaseView | undefined {
  return leases.find((l) => l.endpoint === endpoint && l.cls === cls);
}

/** Leases of one VM, INPUT before POWER before MEMWRITE. */
export function leasesOf(leases: readonly LeaseView[], endpoint: number): LeaseView[] {
  const order = { INPUT: 0, POWER: 1, MEMWRITE: 2 };
  return leases.filter((l) => l.endpoint === endpoint).sort((a, b) => order[a.cls] - order[b.cls]);
}

/** "INPUT: operator (1)" style summary of who holds what on a VM, or "free". */
export function holdersText(leases: readonly LeaseView[], endpoint: number): string {
  const mine = leasesOf(leases, endpoint);
  return mine.length ? mine.map((l) => `${l.cls}: ${l.controlName} (${l.principal})`).join(', ') : 'free';
}
