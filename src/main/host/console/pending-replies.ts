/*
 * Matches the core's addressed replies (ACT_ACK, LEASE_*, INPUT_HELD) to the console's
 * commands by `corr`, with a deadline. Each command settles exactly once: by its reply or
 * by TIMEOUT; it never leaves a waiter behind (close() rejects them all with SHUTDOWN).
 */
import { COMMAND_REPLY_KINDS, ErrorCode, VmsigError, type VmsigEvent } from '../../../shared/model';

interface Waiter {
  resolve(ev: VmsigEvent): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Correlation ids and their waiters. */
export class PendingReplies {
  private nextCorr = 1;
  private readonly waiters = new Map<number, Waiter>();

  constructor(private readonly timeoutMs = 5000) {}

  /** A fresh correlation id (never 0: 0 means "no correlation" on the wire). */
  corr(): number {
    const c = this.nextCorr;
    this.nextCorr = this.nextCorr >= 0x7fffffff ? 1 : this.nextCorr + 1;
    return c;
  }

  /** Waits for the reply carrying `corr`; rejects with VmsigError TIMEOUT after the deadline. */
  wait(corr: number): Promise<VmsigEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(corr);
        reject(new VmsigError(ErrorCode.TIMEOUT, `no reply to command ${corr} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiters.set(corr, { resolve, reject, timer });
    });
  }

  /** Offers an event addressed to the console; returns true when it settled a waiter. */
  offer(ev: VmsigEvent): boolean {
    if (!COMMAND_REPLY_KINDS.has(ev.kind) || ev.corr === 0) return false;
    const w = this.waiters.get(ev.corr);
    if (!w) return false;
    this.waiters.delete(ev.corr);
    clearTimeout(w.timer);
    w.resolve(ev);
    return true;
  }

  /** Settles a waiter whose command the core did not even route (it will get no reply). */
  cancel(corr: number): void {
    const w = this.waiters.get(corr);
    if (!w) return;
    this.waiters.delete(corr);
    clearTimeout(w.timer);
    w.reject(new VmsigError(ErrorCode.INVAL, `command ${corr} was not routed`));
  }

  /** Rejects every waiter (the service is stopping). */
  close(): void {
    for (const [corr, w] of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new VmsigError(ErrorCode.SHUTDOWN, `console stopped before command ${corr} was answered`));
    }
    this.waiters.clear();
  }
}
