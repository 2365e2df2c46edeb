/*
 * Which controls' effective filters admit an event's routing fields (kind, source, dir,
 * prio, endpoint), memoized per key: a stream of like events tests each filter once, not
 * once per event. It never handles addressed replies (the core does) and must be told to
 * forget whenever a control attaches, detaches or resubscribes.
 */
import type { VmsigEvent } from '../../shared/model';
import type { Control } from './control';
import { admits } from './filter';

/** Bounds the memo: distinct keys are few in practice; a flood of odd keys just resets it. */
const MAX_KEYS = 4096;

/** Packs the routing fields into one small integer, or -1 when a field is out of the packable range. */
function routeKey(ev: VmsigEvent): number {
  const { kind, source, dir, prio, endpoint } = ev;
  // `(x & m) === x` is true only for integers 0..m, so odd values fall back to a full scan.
  if (
    (kind & 0xff) !== kind ||
    (source & 0xf) !== source ||
    (dir & 1) !== dir ||
    (prio & 3) !== prio ||
    (endpoint & 63) !== endpoint
  ) {
    return -1;
  }
  return kind | (source << 8) | (dir << 12) | (prio << 13) | (endpoint << 15);
}

/** Memo of filter matches over the attached controls. */
export class RouteIndex {
  private readonly memo = new Map<number, Control[]>();

  /** Drops every memoized answer (a control attached, detached or changed its filter). */
  invalidate(): void {
    this.memo.clear();
  }

  /** Controls (in attach order) whose filter admits `ev`, ignoring addressing. */
  subscribers(ev: VmsigEvent, controls: readonly Control[]): readonly Control[] {
    const key = routeKey(ev);
    if (key >= 0) {
      const hit = this.memo.get(key);
      if (hit !== undefined) return hit;
    }
    const list = controls.filter(
      (c) => c.filter !== null && admits(c.filter, ev.kind, ev.source, ev.dir, ev.prio, ev.endpoint),
    );
    if (key >= 0) {
      if (this.memo.size >= MAX_KEYS) this.memo.clear();
      this.memo.set(key, list);
    }
    return list;
  }
}
