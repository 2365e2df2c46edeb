/*
 * Plays a macro on one VM through whatever carries commands to the core (the CLI's socket
 * session or the console service), under an INPUT lease its caller holds: first it lets go
 * of what the VM holds (as paste does), then each key event waits for its turn and for its
 * ACT_ACK (so a bounded input lane never answers BUSY). However it ends (done, cancelled,
 * refused) it releases every key the macro pressed and has not released.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Macro } from '../../../shared/macros';

/** A key or a button the VM reports held (INPUT_HELD). */
export interface HeldEntry {
  type: 'key' | 'button';
  code: number;
}

/** How the player reaches the core. Every call answers '' (acknowledged) or the refusal's ErrorCode name. */
export interface PlayerPort {
  /** One CMD_INPUT key or button event; resolves after its ACT_ACK. */
  send(type: HeldEntry['type'], code: number, down: boolean): Promise<string>;
  /** CMD_QUERY_INPUT: what the VM holds, or why it could not be asked. */
  held(): Promise<{ err: string; entries: HeldEntry[] }>;
}

/** `recorded`: the macro's own delays; a number: that many ms between steps. */
export type PlaySpeed = 'recorded' | number;

/** What a play did. */
export interface PlayResult {
  played: number;
  total: number;
  cancelled: boolean;
  /** ErrorCode name of the refusal that stopped it; '' when none. */
  err: string;
  /** Keys and buttons the VM held before, released first. */
  releasedFirst: HeldEntry[];
}

/** The longest fixed step interval a caller may ask for (ms). */
export const MAX_FIXED_MS = 10_000;

/**
 * Plays `macro` through `port`; `signal` cancels it (the promise still resolves, with
 * `cancelled`). Never rejects for a refusal; rejects only if `port` itself throws.
 */
export async function playMacro(
  port: PlayerPort,
  macro: Pick<Macro, 'steps'>,
  speed: PlaySpeed,
  signal?: AbortSignal,
): Promise<PlayResult> {
  const result: PlayResult = {
    played: 0,
    total: macro.steps.length,
    cancelled: false,
    err: '',
    releasedFirst: [],
  };
  const q = await port.held();
  if (q.err) return { ...result, err: q.err };
  for (const h of q.entries) {
    const err = await port.send(h.type, h.code, false);
    if (err) return { ...result, err };
    result.releasedFirst.push(h);
  }
  const down: number[] = [];
  // Recorded timing is kept against the start, so the ACT_ACK round trips do not add up.
  const t0 = performance.now();
  let due = 0;
  try {
    for (const step of macro.steps) {
      due += speed === 'recorded' ? step.delayMs : result.played === 0 ? 0 : speed;
      // A timer may fire a little early against performance.now(): wait until the step is due.
      for (let wait = t0 + due - performance.now(); wait > 0 && !signal?.aborted;) {
        await sleep(wait, undefined, { signal }).catch(() => undefined);
        wait = t0 + due - performance.now();
      }
      if (signal?.aborted) return { ...result, cancelled: true };
      const err = await port.send('key', step.code, step.down);
      if (err) return { ...result, err };
      if (step.down && !down.includes(step.code)) down.push(step.code);
      if (!step.down && down.includes(step.code)) down.splice(down.indexOf(step.code), 1);
      result.played++;
    }
    return result;
  } finally {
    // Newest first, as a hand lets go; refusals are ignored (without the lease, the next
    // holder releases them when it takes the lease).
    for (const code of down.reverse()) await port.send('key', code, false).catch(() => undefined);
  }
}

/**
 * At most one key sequence playing per VM — a macro or a paste, which share this — each
 * cancellable by VM (the console's Cancel buttons): two at once would interleave their keys.
 */
export class MacroPlays {
  private readonly running = new Map<number, AbortController>();

  /** Plays on `endpoint` unless a macro or paste already plays there (then `err` BUSY). */
  async play(
    endpoint: number,
    port: PlayerPort,
    macro: Pick<Macro, 'steps'>,
    speed: PlaySpeed,
  ): Promise<PlayResult> {
    if (this.running.has(endpoint))
      return { played: 0, total: macro.steps.length, cancelled: false, err: 'BUSY', releasedFirst: [] };
    const ac = new AbortController();
    this.running.set(endpoint, ac);
    try {
      return await playMacro(port, macro, speed, ac.signal);
    } finally {
      this.running.delete(endpoint);
    }
  }

  /** Cancels the macro or paste playing on `endpoint`; false when none plays. */
  cancel(endpoint: number): boolean {
    const ac = this.running.get(endpoint);
    ac?.abort();
    return ac !== undefined;
  }
}
