/*
 * Keeps the state the console learns only from events: seam up/down per VM, the last
 * VM_LIFECYCLE, the last CURSOR_STATE and the last INPUT_HELD. It reads events, never
 * emits them, and reports whether an event changed anything (so snapshots are sent only then).
 */
import {
  Kind,
  SeamReason,
  Source,
  VmState,
  type VmsigEvent,
  decodeCursor,
  decodeInputHeld,
  decodeSeam,
  decodeVmState,
  nameOf,
} from '../../../shared/model';
import type { CursorView, HeldView, SeamView } from '../../../shared/ipc';

/** Event-derived state per endpoint. */
export class StateTracker {
  private readonly seams = new Map<number, Map<number, SeamView>>();
  private readonly lifecycle = new Map<number, string>();
  private readonly cursors = new Map<number, CursorView>();
  private readonly held = new Map<number, HeldView>();

  /** Folds one event in; returns true when it changed what a snapshot shows. */
  apply(ev: VmsigEvent): boolean {
    switch (ev.kind) {
      case Kind.SEAM_UP:
      case Kind.SEAM_DOWN: {
        const s = decodeSeam(ev.inln);
        let m = this.seams.get(ev.endpoint);
        if (!m) this.seams.set(ev.endpoint, (m = new Map()));
        m.set(s.seam, {
          seam: nameOf(Source, s.seam),
          up: ev.kind === Kind.SEAM_UP,
          reason: nameOf(SeamReason, s.reason),
        });
        return true;
      }
      case Kind.VM_LIFECYCLE:
        this.lifecycle.set(ev.endpoint, nameOf(VmState, decodeVmState(ev.inln).state));
        return true;
      case Kind.CURSOR_STATE: {
        const c = decodeCursor(ev.inln);
        this.cursors.set(ev.endpoint, {
          endpoint: ev.endpoint,
          x: c.x,
          y: c.y,
          visible: c.visible === 1,
          seq: c.seq,
        });
        return true;
      }
      case Kind.INPUT_HELD: {
        const h = decodeInputHeld(ev.inln);
        this.held.set(ev.endpoint, {
          endpoint: ev.endpoint,
          truncated: (h.flags & 1) !== 0,
          entries: h.entries,
        });
        return true;
      }
      default:
        return false;
    }
  }

  /** Seams of an endpoint, in source order. */
  seamsOf(endpoint: number): SeamView[] {
    const m = this.seams.get(endpoint);
    return m ? [...m.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v) : [];
  }

  /** Last lifecycle state name, or UNKNOWN. */
  lifecycleOf(endpoint: number): string {
    return this.lifecycle.get(endpoint) ?? 'UNKNOWN';
  }

  /** Every cursor, by endpoint. */
  allCursors(): CursorView[] {
    return [...this.cursors.values()];
  }

  /** Every held-keys report, by endpoint. */
  allHeld(): HeldView[] {
    return [...this.held.values()];
  }

  /** Forgets an endpoint that was removed. */
  forget(endpoint: number): void {
    this.seams.delete(endpoint);
    this.lifecycle.delete(endpoint);
    this.cursors.delete(endpoint);
    this.held.delete(endpoint);
  }
}
