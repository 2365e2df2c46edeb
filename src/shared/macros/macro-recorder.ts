/*
 * Turns timed key events (the CLI's view of a VM's CMD_INPUT stream) into macro steps: the
 * delay since the previous step, clipped to the format's longest pause. A release of a key
 * the recording never saw pressed (a holder's clean-up) is left out, and keys still down
 * when it stops are released at its end, so a macro never leaves a key held by design.
 */
import { MAX_DELAY_MS, MAX_STEPS, type MacroStep } from './macro-file';

/** Collects steps; `full` once MAX_STEPS were recorded (later events are ignored). */
export class MacroRecorder {
  private readonly steps: MacroStep[] = [];
  private readonly down: number[] = [];
  private lastMs: number | null = null;

  /** Records key `code` going down or up at `atMs` (any monotonic milliseconds). */
  key(atMs: number, code: number, down: boolean): void {
    if (this.full) return;
    const isDown = this.down.includes(code);
    if (down === isDown) return; // auto-repeat, or a release of a key pressed before we started
    if (down) this.down.push(code);
    else this.down.splice(this.down.indexOf(code), 1);
    const delayMs =
      this.lastMs === null ? 0 : Math.min(MAX_DELAY_MS, Math.max(0, Math.round(atMs - this.lastMs)));
    this.lastMs = atMs;
    this.steps.push({ delayMs, code, down });
  }

  /** Whether no more steps fit. */
  get full(): boolean {
    return this.steps.length >= MAX_STEPS - this.down.length;
  }

  /** Steps so far. */
  get count(): number {
    return this.steps.length;
  }

  /** The steps, with a release of every key still down. */
  finish(): MacroStep[] {
    const out = [...this.steps];
    for (const code of [...this.down].reverse()) out.push({ delayMs: 0, code, down: false });
    return out;
  }
}
