/*
 * Paces what one socket may make the host do (§10): frames decoded from a read are handled
 * at most FRAMES_PER_TURN at a time, the rest after other sockets and the console had a
 * turn; while the console's queues are above their watermark no frame is handled at all.
 * Meanwhile the socket is paused, and its clock (the frame deadline's) stands still.
 */
import type net from 'node:net';
import type { Pressure } from '../core';
import type { Frame } from './frame-header';

/** Frames one socket may have handled before yielding to the event loop. */
export const FRAMES_PER_TURN = 128;

/** Why reading is paused: bits, so one reason lifting does not resume past another. */
const WRITE_BLOCKED = 1;
const TURN_USED = 2;
const PRESSURE = 4;

/** What the pacer calls back into its connection. */
export interface PacerHooks {
  /** Handles one frame; returns false once the connection closed (nothing more is handled). */
  handle(f: Frame): boolean;
  /** The decoder failed after the frames queued before it: those were handled first. */
  fault(e: unknown): void;
  /** Reading resumed after a pause (re-arm the frame deadline). */
  resumed(): void;
}

/** One socket's read pacing: an inbox of decoded frames, pause reasons, and a pausable clock. */
export class ReadPacer {
  private inbox: (Frame | undefined)[] = [];
  private at = 0;
  private failure: { e: unknown } | null = null;
  private reasons = 0;
  private pausedAt = 0;
  private pausedTotal = 0;
  private turnScheduled = false;
  private stopWaiting: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly pressure: Pressure,
    private readonly hooks: PacerHooks,
    private readonly framesPerTurn = FRAMES_PER_TURN,
  ) {}

  /** Epoch-like milliseconds that do not advance while the host keeps the socket paused. */
  readonly now = (): number => {
    const t = Date.now();
    return t - this.pausedTotal - (this.reasons !== 0 ? t - this.pausedAt : 0);
  };

  /** Whether the host is keeping this socket paused (for any reason). */
  get paused(): boolean {
    return this.reasons !== 0;
  }

  /** Queues a decoded frame; call pump() once the read is decoded. */
  queue(f: Frame): void {
    this.inbox.push(f);
  }

  /** Records the decoder's error, reported once the frames queued before it are handled. */
  failAfterQueued(e: unknown): void {
    this.failure ??= { e };
  }

  /** Pauses or resumes reading because our own writes backed up. */
  setWriteBlocked(on: boolean): void {
    this.set(WRITE_BLOCKED, on);
  }

  /**
   * Handles queued frames: up to framesPerTurn now, none while the console is under
   * pressure (then the socket pauses even with nothing queued: its next read waits too).
   */
  pump(): void {
    let n = 0;
    for (;;) {
      if (this.closed) return;
      if (this.pressure.active) return this.waitForRelief();
      if (this.at >= this.inbox.length) break;
      if (n === this.framesPerTurn) {
        this.set(TURN_USED, true);
        return this.scheduleTurn();
      }
      const f = this.inbox[this.at]!;
      this.inbox[this.at++] = undefined;
      n++;
      if (!this.hooks.handle(f)) return this.close();
    }
    this.inbox = [];
    this.at = 0;
    this.set(TURN_USED, false);
    const failure = this.failure;
    this.failure = null;
    if (failure) this.hooks.fault(failure.e);
  }

  /** Drops queued frames and stops waiting; the socket is the connection's to close. */
  close(): void {
    this.closed = true;
    this.inbox = [];
    this.at = 0;
    this.stopWaiting?.();
    this.stopWaiting = null;
  }

  private waitForRelief(): void {
    this.set(PRESSURE, true);
    this.stopWaiting ??= this.pressure.onRelief(() => {
      this.stopWaiting = null;
      this.set(PRESSURE, false);
      this.scheduleTurn();
    });
  }

  private scheduleTurn(): void {
    if (this.turnScheduled || this.closed) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      this.pump();
    });
  }

  private set(reason: number, on: boolean): void {
    const before = this.reasons;
    this.reasons = on ? before | reason : before & ~reason;
    if (this.closed || (before === 0) === (this.reasons === 0)) return;
    if (this.reasons !== 0) {
      this.pausedAt = Date.now();
      this.socket.pause();
    } else {
      this.pausedTotal += Date.now() - this.pausedAt;
      this.socket.resume();
      this.hooks.resumed();
    }
  }
}
