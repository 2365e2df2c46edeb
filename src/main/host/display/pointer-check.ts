/*
 * Whether a VM has an absolute pointer (a tablet), asked of QEMU with `query-mice`: without
 * one, the console's pointer input (absolute coordinates) cannot reach the guest, and the
 * UI says so instead of failing silently. Read-only; it never changes the VM.
 */

import type { PointerStatus } from '../../../shared/display';

export type { PointerStatus };

/** The one QMP call this needs. */
export interface MiceQuery {
  /** The client's state (QmpClient's); the query waits for 'running'. */
  readonly state?: string;
  execute<T = unknown>(command: string, args?: object, options?: { timeoutMs?: number }): Promise<T>;
}

/** `absolute` when QEMU lists an absolute mouse, `relative-only` when it lists only relative ones, else `unknown`. */
export async function queryPointer(qmp: MiceQuery | null, timeoutMs = 2000): Promise<PointerStatus> {
  if (!qmp) return 'unknown';
  // Right after a start or attach QMP may still be connecting: wait for it, briefly.
  const end = Date.now() + timeoutMs;
  while (qmp.state !== undefined && qmp.state !== 'running' && Date.now() < end)
    await new Promise((r) => setTimeout(r, 50));
  try {
    const mice = await qmp.execute<{ absolute?: boolean }[]>('query-mice', undefined, { timeoutMs });
    if (!Array.isArray(mice) || mice.length === 0) return 'unknown';
    return mice.some((m) => m.absolute === true) ? 'absolute' : 'relative-only';
  } catch {
    // QMP down or slow: the screen still works, only the pointer notice is unknown.
    return 'unknown';
  }
}
