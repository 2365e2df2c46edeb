/*
 * Reference counts for payloads that carry a release function: each queued copy and the
 * replay cache hold one reference; the last one out calls release() exactly once.
 * Counts are exposed so tests can prove nothing leaks and nothing is freed twice.
 */
import type { Payload, VmsigEvent } from '../../shared/model';

/** Counters of the payload lifecycle. */
export interface PayloadStats {
  tracked: number;
  released: number;
  live: number;
  releaseErrors: number;
}

/** Tracks holders of releasable payloads. */
export class PayloadLedger {
  private readonly refs = new Map<Payload, number>();
  private tracked = 0;
  private released = 0;
  private releaseErrors = 0;

  /** Adds `n` holders for the event's payload (no-op for payloads without release). */
  retain(ev: VmsigEvent, n = 1): void {
    const p = ev.payload;
    if (!p || !p.release || n <= 0) return;
    const cur = this.refs.get(p);
    if (cur === undefined) this.tracked++;
    this.refs.set(p, (cur ?? 0) + n);
  }

  /** Drops one holder; the last one releases the payload. */
  drop(ev: VmsigEvent): void {
    const p = ev.payload;
    if (!p || !p.release) return;
    const cur = this.refs.get(p);
    if (cur === undefined) return;
    if (cur > 1) {
      this.refs.set(p, cur - 1);
      return;
    }
    this.refs.delete(p);
    this.releaseNow(p);
  }

  /** Releases a payload nobody holds (an event routed to no one). */
  releaseUnheld(ev: VmsigEvent): void {
    const p = ev.payload;
    if (p && p.release && !this.refs.has(p)) {
      this.tracked++;
      this.releaseNow(p);
    }
  }

  stats(): PayloadStats {
    return {
      tracked: this.tracked,
      released: this.released,
      live: this.refs.size,
      releaseErrors: this.releaseErrors,
    };
  }

  private releaseNow(p: Payload): void {
    const release = p.release;
    p.release = undefined;
    this.released++;
    try {
      release?.();
    } catch {
      // A codec's faulty release must not take the router down; it is counted instead.
      this.releaseErrors++;
    }
  }
}
