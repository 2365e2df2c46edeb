/*
 * When the timeline's rows and activity strip may draw. A request normally runs at the next
 * animation frame. While the operator types (or points) into a grabbed screen, the page's
 * main thread belongs to their keys: a key pressed while a frame renders waits for it before
 * it can be sent, and on two cores a frame rendered while the key is on its way to the host
 * slows its trip. So while input flows, requests wait, and run together (rows and strip in
 * one frame) in the gap after the host answered a key, at most every TYPING_FRAME_MS; when
 * input stops they catch up at once.
 */

/** Input counts as flowing this long after the last key, button or pointer move sent. */
export const TYPING_HOLD_MS = 400;
/** While input flows, the timeline draws at most this often (as often as the strip does anyway). */
export const TYPING_FRAME_MS = 250;

/** The clock and frame/timer sources, replaceable in tests. */
export interface PacerHost {
  now(): number;
  frame(cb: (t: number) => void): void;
  after(ms: number, cb: () => void): void;
}

const browserHost: PacerHost = {
  now: () => performance.now(),
  frame: (cb) => void requestAnimationFrame(cb),
  after: (ms, cb) => void setTimeout(cb, ms),
};

/** Runs drawing callbacks at paced animation frames. */
export class FramePacer {
  private readonly pending = new Set<(t: number) => void>();
  private frameAsked = false;
  private fallbackArmed = false;
  private lastInput = -Infinity;
  private lastRun = -Infinity;

  constructor(private readonly host: PacerHost = browserHost) {}

  /** Whether the operator's input is flowing now. */
  typing(now = this.host.now()): boolean {
    return now - this.lastInput < TYPING_HOLD_MS;
  }

  /**
   * The operator's input just went to a VM; `delivered` settles when its host answered. A
   * frame drawn once the host has it stays out of the way of the key's trip (the page's
   * send, Chromium's network process, the host: on two cores, a frame's rendering beside
   * that trip delays it) and is done before the next key (typing and key repeat leave 30
   * ms or more between key events). So what waits is drawn then, at most every TYPING_FRAME_MS.
   */
  noteInput(delivered: PromiseLike<unknown>): void {
    this.lastInput = this.host.now();
    const ask = (): void => {
      if (this.pending.size > 0 && this.host.now() - this.lastRun >= TYPING_FRAME_MS) this.askFrame();
    };
    delivered.then(ask, ask);
  }

  /** Runs `draw` at the next allowed frame (once, however often it is requested before). */
  request(draw: (t: number) => void): void {
    this.pending.add(draw);
    if (this.typing()) this.armFallback();
    else this.askFrame();
  }

  private askFrame(): void {
    if (this.frameAsked) return;
    this.frameAsked = true;
    this.host.frame(this.run);
  }

  /** When input stops, what waits is drawn once TYPING_HOLD_MS passed without any. */
  private armFallback(): void {
    if (this.fallbackArmed) return;
    this.fallbackArmed = true;
    const wait = Math.max(1, this.lastInput + TYPING_HOLD_MS - this.host.now());
    this.host.after(wait, () => {
      this.fallbackArmed = false;
      if (this.pending.size === 0) return;
      if (this.typing()) this.armFallback();
      else this.askFrame();
    });
  }

  private readonly run = (t: number): void => {
    this.frameAsked = false;
    this.lastRun = this.host.now();
    const draws = [...this.pending];
    this.pending.clear();
    for (const draw of draws) draw(t);
  };
}

/** The page's one pacer: rows, strip and the input path share it. */
export const timelinePacer = new FramePacer();
