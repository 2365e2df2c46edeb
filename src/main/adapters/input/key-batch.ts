/*
 * Which waiting key events of the INPUT lane go to QEMU together, in one input-send-event
 * (QEMU applies its events back to back): a press with its release when the operator had
 * already let go, and releases behind them. So the guest never sees a key held for the
 * host's backlog. Pure: it reads the lane, never changes it, and never reorders it.
 */
import type { HeldChange } from './input-translate';

/** Most key events in one command: Shift, a key, its release and Shift's; 4–16 bytes in PS/2's 16-byte queue. */
export const MAX_BATCH = 4;

/** What the batcher needs of a waiting input command. */
export interface BatchItem {
  /** The key event it carries when it is exactly one KEY event (one QMP event, one command). */
  key?: HeldChange;
  /** The lease it was admitted under: a batch never mixes two. */
  lease: unknown;
}

/**
 * How many items from the head of `lane` go out as one command (at least 1; 1 when the head
 * is not a key event). The head is a release, or a press taken with everything up to its
 * own release when that is already waiting within `max`; then whole units follow while they
 * fit: a release, or a press through its release. Only the head unit may be a press whose
 * release is not waiting yet (a key still held: it goes out alone, its release later).
 */
export function batchLength(lane: readonly BatchItem[], max = MAX_BATCH): number {
  const head = lane[0];
  if (!head?.key) return lane.length > 0 ? 1 : 0;
  const joins = (i: number): boolean => lane[i]?.key !== undefined && lane[i]!.lease === head.lease;
  let n = unitAt(lane, 0, max, joins) || 1;
  for (let u = unitAt(lane, n, max - n, joins); u > 0; u = unitAt(lane, n, max - n, joins)) n += u;
  return n;
}

/** The presses of `items` (a batch) whose release is not among the items after them. */
export function unreleased(items: readonly BatchItem[]): HeldChange[] {
  return items.flatMap((item, i) =>
    item.key?.down && !items.slice(i + 1).some((later) => isReleaseOf(later, item.key!.code))
      ? [item.key]
      : [],
  );
}

/** Length of the complete unit (a release, or a press through its release) at `at` within `room`, else 0. */
function unitAt(lane: readonly BatchItem[], at: number, room: number, joins: (i: number) => boolean): number {
  if (room <= 0 || !joins(at)) return 0;
  const key = lane[at]!.key!;
  if (!key.down) return 1;
  for (let i = at + 1; i < at + room && joins(i); i++) if (isReleaseOf(lane[i]!, key.code)) return i - at + 1;
  return 0;
}

function isReleaseOf(item: BatchItem, code: number): boolean {
  return item.key !== undefined && !item.key.down && item.key.code === code;
}
