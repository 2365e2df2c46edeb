/*
 * The state a new subscriber is owed before live events (§5): per endpoint the last
 * SEAM_UP/SEAM_DOWN of each seam, the last VM_LIFECYCLE, the last CURSOR_STATE and the
 * current MEMCTX (void once invalidated). The cache holds one payload reference per entry.
 */
import { Kind, type VmsigEvent } from '../../shared/model';
import type { PayloadLedger } from './payload-ledger';

interface EndpointState {
  seams: Map<number, VmsigEvent>;
  lifecycle?: VmsigEvent;
  cursor?: VmsigEvent;
  memctx?: VmsigEvent;
}

/** Last-known state per endpoint. */
export class ReplayState {
  private readonly byEndpoint = new Map<number, EndpointState>();

  constructor(private readonly ledger: PayloadLedger) {}

  /** Records `ev` if it is replayable state; replaces (and releases) what it supersedes. */
  observe(ev: VmsigEvent): void {
    switch (ev.kind) {
      case Kind.SEAM_UP:
      case Kind.SEAM_DOWN: {
        const st = this.state(ev.endpoint);
        const seam = ev.inln[0]! | (ev.inln[1]! << 8);
        this.swap(st.seams.get(seam), ev);
        st.seams.set(seam, ev);
        return;
      }
      case Kind.VM_LIFECYCLE:
        return this.set(ev, 'lifecycle');
      case Kind.CURSOR_STATE:
        return this.set(ev, 'cursor');
      case Kind.MEMCTX:
        return this.set(ev, 'memctx');
      case Kind.MEMCTX_INVALIDATED: {
        const st = this.byEndpoint.get(ev.endpoint);
        if (st?.memctx) {
          this.ledger.drop(st.memctx);
          st.memctx = undefined;
        }
        return;
      }
    }
  }

  /** Whether the seam's last report on this endpoint was SEAM_UP. */
  seamUp(endpoint: number, seam: number): boolean {
    return this.byEndpoint.get(endpoint)?.seams.get(seam)?.kind === Kind.SEAM_UP;
  }

  /** Replayable events, endpoints ascending, seams before lifecycle, cursor and MEMCTX. */
  snapshot(): VmsigEvent[] {
    const out: VmsigEvent[] = [];
    for (const ep of [...this.byEndpoint.keys()].sort((a, b) => a - b)) {
      const st = this.byEndpoint.get(ep)!;
      for (const seam of [...st.seams.keys()].sort((a, b) => a - b)) out.push(st.seams.get(seam)!);
      for (const ev of [st.lifecycle, st.cursor, st.memctx]) if (ev) out.push(ev);
    }
    return out;
  }

  /** Forgets an endpoint, releasing what the cache held. */
  forget(endpoint: number): void {
    const st = this.byEndpoint.get(endpoint);
    if (!st) return;
    for (const ev of st.seams.values()) this.ledger.drop(ev);
    for (const ev of [st.lifecycle, st.cursor, st.memctx]) if (ev) this.ledger.drop(ev);
    this.byEndpoint.delete(endpoint);
  }

  private set(ev: VmsigEvent, slot: 'lifecycle' | 'cursor' | 'memctx'): void {
    const st = this.state(ev.endpoint);
    this.swap(st[slot], ev);
    st[slot] = ev;
  }

  private swap(old: VmsigEvent | undefined, next: VmsigEvent): void {
    this.ledger.retain(next);
    if (old) this.ledger.drop(old);
  }

  private state(endpoint: number): EndpointState {
    let st = this.byEndpoint.get(endpoint);
    if (!st) {
      st = { seams: new Map() };
      this.byEndpoint.set(endpoint, st);
    }
    return st;
  }
}
