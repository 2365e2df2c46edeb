/* Connected controls as the core lists them (last snapshot); read by the controls panel. */
import { create } from 'zustand';
import type { ControlView } from '../../shared/ipc';

/** Controls domain state. */
export interface ControlsState {
  controls: ControlView[];
}

/** The controls store. */
export const useControls = create<ControlsState>()(() => ({ controls: [] }));

/** The name of the control acting as `principal`, for notices ("preempted by robot"). */
export function nameOfPrincipal(controls: readonly ControlView[], principal: number): string {
  const c = controls.find((x) => x.principal === principal);
  return c ? `${c.name} (principal ${principal})` : `principal ${principal}`;
}
