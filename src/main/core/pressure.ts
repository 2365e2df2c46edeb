/*
 * Backpressure from the controls hosted in the core's own process (the console) toward
 * the transports: raised when one of their queues passes its high watermark, relieved
 * once they drained to low water. Transports read it before each frame and pause their
 * sockets while it is up, so the console is slowed down, never disconnected (§10).
 */

/** The host-wide "stop reading" signal. */
export class Pressure {
  private up = false;
  private listeners: (() => void)[] = [];

  /** True while an in-process control is above its watermark: do not handle more input. */
  get active(): boolean {
    return this.up;
  }

  /** Raises the signal (idempotent). */
  raise(): void {
    this.up = true;
  }

  /** Lowers it and calls every waiting listener once (a throwing one is isolated). */
  relieve(): void {
    if (!this.up) return;
    this.up = false;
    const waiting = this.listeners;
    this.listeners = [];
    for (const fn of waiting) {
      try {
        fn();
      } catch {
        // A transport's resume failing must not keep the others paused.
      }
    }
  }

  /** Calls `fn` once, at the next relief; returns a disposer (for a transport that closes meanwhile). */
  onRelief(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((f) => f !== fn);
    };
  }
}
