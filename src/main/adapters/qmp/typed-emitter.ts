/*
 * A small typed event emitter (mitt's idiom): listeners keyed by an event map, every
 * subscription returns a disposer. A throwing listener is reported, never allowed to stop
 * the others or the emitter's caller.
 */

/** Removes the subscription it was returned for; calling it twice is harmless. */
export type Disposer = () => void;

/** Emits events of map `M`; `onListenerError` hears what a listener threw. */
export class TypedEmitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<(value: never) => void>>();

  constructor(private readonly onListenerError: (event: keyof M, error: unknown) => void) {}

  /** Calls `listener` for every `event` until the returned disposer runs. */
  on<K extends keyof M>(event: K, listener: (value: M[K]) => void): Disposer {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as (value: never) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Calls every listener of `event` with `value`; a throw is routed to onListenerError. */
  emit<K extends keyof M>(event: K, value: M[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (v: M[K]) => void)(value);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }

  /** Number of listeners of `event` (for tests and leak checks). */
  count(event: keyof M): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
