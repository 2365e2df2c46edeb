/*
 * The key combination that ends a grab, chosen by the operator (kept in localStorage):
 * Ctrl+Alt by default, or one that leaves Ctrl+Alt+<key> to the guest. A combo is groups
 * of KeyboardEvent codes; it fires when every group has a key held.
 */
import { create } from 'zustand';

const L = (k: string): string[] => [`${k}Left`, `${k}Right`];

/** The combos offered, by label. */
export const RELEASE_COMBOS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  'Ctrl+Alt': [L('Control'), L('Alt')],
  'Ctrl+Alt+Shift': [L('Control'), L('Alt'), L('Shift')],
  'Right Ctrl': [['ControlRight']],
  'Ctrl+Alt+G': [L('Control'), L('Alt'), ['KeyG']],
};

const STORAGE_KEY = 'vmsig.releaseCombo';
const DEFAULT = 'Ctrl+Alt';

function stored(): string {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v && Object.hasOwn(RELEASE_COMBOS, v) ? v : DEFAULT;
  } catch {
    return DEFAULT; // storage disabled: the default, every session
  }
}

/** The chosen combo's label. */
export const useReleaseCombo = create<{ combo: string }>()(() => ({ combo: stored() }));

/** Chooses a combo (unknown labels are ignored) and remembers it. */
export function setReleaseCombo(combo: string): void {
  if (!Object.hasOwn(RELEASE_COMBOS, combo)) return;
  useReleaseCombo.setState({ combo });
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, combo);
  } catch {
    // not remembered; still in force for this page
  }
}

/** Whether the keys held (KeyboardEvent codes) complete `combo` (default: the chosen one). */
export function isReleaseCombo(held: ReadonlySet<string>, combo = useReleaseCombo.getState().combo): boolean {
  const groups = RELEASE_COMBOS[combo] ?? RELEASE_COMBOS[DEFAULT]!;
  return groups.every((g) => g.some((code) => held.has(code)));
}
