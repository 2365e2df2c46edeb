/* The guest pointer position per VM from CURSOR_STATE (last snapshot); drives the overlay. */
import { create } from 'zustand';
import type { CursorView } from '../../shared/ipc';

/** Cursor domain state, by endpoint. */
export interface CursorState {
  cursors: Record<number, CursorView>;
}

/** The cursor store. */
export const useCursor = create<CursorState>()(() => ({ cursors: {} }));

/** Builds the per-endpoint map, keeping the old object when nothing moved (so subscribers stay quiet). */
export function reduceCursors(
  prev: Record<number, CursorView>,
  next: readonly CursorView[],
): Record<number, CursorView> {
  let changed = Object.keys(prev).length !== next.length;
  const out: Record<number, CursorView> = {};
  for (const c of next) {
    const p = prev[c.endpoint];
    const same = p !== undefined && p.x === c.x && p.y === c.y && p.visible === c.visible && p.seq === c.seq;
    out[c.endpoint] = same ? p : c;
    if (!same) changed = true;
  }
  return changed ? out : prev;
}
