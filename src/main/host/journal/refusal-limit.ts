/*
 * A per-control cap on refusal records: a control with no rights could otherwise fill the
 * journal's disk budget with refused commands and push real history out. Token bucket per
 * control id; it only decides whether a refusal is written, never whether it is answered.
 */

/** Bucket size and refill rate of the cap. */
export interface RefusalLimitOptions {
  /** Refusal records a control may write in a burst (default 64). */
  burst?: number;
  /** Sustained refusal records per second per control (default 8). */
  perSec?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Controls remembered at once; the least recently refused is forgotten first. */
const MAX_CONTROLS = 1024;

/** Decides, per control, whether one more refusal record is written. */
export class RefusalLimit {
  private readonly buckets = new Map<number, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  /** Refusal records left out by the cap since open. */
  capped = 0;

  constructor(
    private readonly now: () => number,
    opts: RefusalLimitOptions = {},
  ) {
    this.burst = opts.burst ?? 64;
    this.perMs = (opts.perSec ?? 8) / 1000;
  }

  /** True when `controlId` may write one more refusal record now (and takes the token). */
  admit(controlId: number): boolean {
    const t = this.now();
    let b = this.buckets.get(controlId);
    if (b) {
      this.buckets.delete(controlId);
      b.tokens = Math.min(this.burst, b.tokens + (t - b.at) * this.perMs);
      b.at = t;
    } else {
      if (this.buckets.size >= MAX_CONTROLS) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: this.burst, at: t };
    }
    // Re-inserted so the map's order is least recently refused first.
    this.buckets.set(controlId, b);
    if (b.tokens < 1) {
      this.capped++;
      return false;
    }
    b.tokens -= 1;
    return true;
  }
}
