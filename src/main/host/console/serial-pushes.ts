/*
 * Live serial output for the windows that have a VM's serial pane open: each (window, VM)
 * watch buffers what the VM's serial log appends and hands it over once per tick as a
 * `serial` push. A watch holds at most SERIAL_PUSH_CAP bytes: a chatty guest drops the
 * oldest pending bytes, never grows memory; the pane sees the hole in the offsets and
 * reads it back with `serial.read` (from the capped log on disk).
 */
import type { SerialPush } from '../../../shared/ipc';
import type { SerialLog } from '../launcher';

/** Bytes one watch may hold between two ticks. */
export const SERIAL_PUSH_CAP = 256 * 1024;
/** Serial panes one window may have open at once. */
export const SERIAL_WATCHES_PER_WINDOW = 16;

/** What a watch needs from the host: VM `id`'s current serial log and its run, or null. */
export type SerialSource = (id: number) => { log: SerialLog; run: number; source?: string } | null;

/** One window's watch of one VM. */
interface Watch {
  run: number | null;
  source: string;
  off: () => void;
  chunks: Buffer[];
  bytes: number;
  /** Logical offset of the first pending byte. */
  start: number;
  /** A run change not yet told to the window. */
  announce: boolean;
}

/** The serial watches of every window (keyed by any object that stands for the window). */
export class SerialPushes<W extends object> {
  private readonly windows = new Map<W, Map<number, Watch>>();

  constructor(
    private readonly serialOf: SerialSource,
    private readonly capBytes = SERIAL_PUSH_CAP,
  ) {}

  /** Starts (or restarts) `window`'s watch of VM `id`. Returns false when the window has too many. */
  watch(window: W, id: number): boolean {
    let mine = this.windows.get(window);
    if (!mine) this.windows.set(window, (mine = new Map()));
    if (!mine.has(id) && mine.size >= SERIAL_WATCHES_PER_WINDOW) return false;
    mine.get(id)?.off();
    const w: Watch = { run: null, source: '', off: () => {}, chunks: [], bytes: 0, start: 0, announce: true };
    this.bind(w, id);
    mine.set(id, w);
    return true;
  }

  /** Ends `window`'s watch of VM `id` (nothing when it had none). */
  unwatch(window: W, id: number): void {
    const mine = this.windows.get(window);
    mine?.get(id)?.off();
    mine?.delete(id);
    if (mine?.size === 0) this.windows.delete(window);
  }

  /** Ends every watch of `window` (it closed). */
  forget(window: W): void {
    for (const w of this.windows.get(window)?.values() ?? []) w.off();
    this.windows.delete(window);
  }

  /** Ends every watch of every window (the service stops). */
  clear(): void {
    for (const window of [...this.windows.keys()]) this.forget(window);
  }

  /** Bytes held for `window` now, over all its watches (for tests and the bound). */
  pendingBytes(window: W): number {
    let n = 0;
    for (const w of this.windows.get(window)?.values() ?? []) n += w.bytes;
    return n;
  }

  /**
   * Hands each window what its watches gathered since the last call: one push per VM with
   * new bytes or a new run (a restarted QEMU, a VM stopped: run null). Empty watches send nothing.
   */
  flush(send: (window: W, push: SerialPush) => void): void {
    for (const [window, mine] of this.windows) {
      for (const [id, w] of mine) {
        const now = this.serialOf(id);
        if ((now?.run ?? null) !== w.run) {
          w.off();
          this.bind(w, id);
        }
        if (!w.announce && w.bytes === 0) continue;
        const data = Buffer.concat(w.chunks);
        send(window, { id, run: w.run, source: w.source, start: w.start, base64: data.toString('base64') });
        w.announce = false;
        w.start += w.bytes;
        w.chunks = [];
        w.bytes = 0;
      }
    }
  }

  /** Follows VM `id`'s current serial log from its end (the pane reads what came before). */
  private bind(w: Watch, id: number): void {
    const now = this.serialOf(id);
    w.run = now?.run ?? null;
    w.source = now?.source ?? '';
    w.chunks = [];
    w.bytes = 0;
    w.start = now ? now.log.size() : 0;
    w.announce = true;
    w.off = now ? now.log.onData((chunk) => this.add(w, chunk)) : () => {};
  }

  private add(w: Watch, chunk: Buffer): void {
    w.chunks.push(Buffer.from(chunk));
    w.bytes += chunk.length;
    // Over the cap: drop the oldest bytes (whole chunks, then part of one).
    while (w.bytes > this.capBytes) {
      const over = w.bytes - this.capBytes;
      const first = w.chunks[0]!;
      if (first.length <= over) {
        w.chunks.shift();
        w.bytes -= first.length;
        w.start += first.length;
      } else {
        w.chunks[0] = first.subarray(over);
        w.bytes -= over;
        w.start += over;
      }
    }
  }
}
