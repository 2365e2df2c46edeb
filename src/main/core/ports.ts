/*
 * What the core needs from the world, injected so it stays pure: a monotonic clock and a
 * logger. Tests pass a fake clock; the host passes process.hrtime.
 */

/** Monotonic time in nanoseconds (a safe integer). */
export interface Clock {
  nowNs(): number;
}

/** Structured logging sink; the core never prints. */
export type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;

/** A clock that only moves when told to; for tests and replayable benchmarks. */
export class ManualClock implements Clock {
  constructor(private ns = 1) {}
  nowNs(): number {
    return this.ns;
  }
  advance(ns: number): void {
    this.ns += ns;
  }
}

/** A logger that drops everything. */
export const silentLog: Log = () => {};
