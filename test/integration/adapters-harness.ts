/*
 * What the adapter integration tests share: a real Core on the monotonic clock, and a test
 * control that drains its queue into a list, submits commands with fresh `corr`s and waits
 * for the events a test expects. Test-only; it talks to the core exactly as a transport does.
 */
import {
  Dir,
  Kind,
  type EventInit,
  type VmsigEvent,
  decodeActAck,
  encodeLeaseReq,
  makeEvent,
} from '../../src/shared/model';
import { ALL_ENDPOINTS, Core, type ControlSpec, type SubmitOutcome, allEvents, maskOf } from '../../src/main/core';
import type { Log } from '../../src/main/core/ports';

/** A log that keeps warnings and errors visible in the test output. */
export const testLog: Log = (level, msg) => {
  if (level === 'warn' || level === 'error') console.warn(`[${level}] ${msg}`);
};

/** A core on the real monotonic clock. */
export function realCore(): Core {
  return new Core({ clock: { nowNs: () => Number(process.hrtime.bigint()) }, log: testLog });
}

/** A control attached to a core, recording everything delivered to it. */
export class TestControl {
  readonly id: number;
  readonly events: VmsigEvent[] = [];
  private corr = 0;
  private waiters = new Set<() => void>();

  constructor(
    private readonly core: Core,
    spec: Partial<ControlSpec> & Pick<ControlSpec, 'caps'>,
  ) {
    const full: ControlSpec = { name: 'test', principal: 1, grant: ALL_ENDPOINTS, leasePrio: 1, ...spec };
    this.id = core.attachControl(full, { wake: () => queueMicrotask(() => this.pump()), closed: () => {} });
  }

  /** Subscribes to every event of `endpoints` (default all) its caps allow. */
  subscribeAll(endpoints?: number[]): this {
    this.core.subscribe(this.id, allEvents(endpoints ? maskOf(endpoints) : ALL_ENDPOINTS));
    this.pump();
    return this;
  }

  /** Submits a DOWN command with a fresh corr; returns the corr and the core's outcome. */
  submit(init: EventInit): { corr: number; outcome: SubmitOutcome } {
    const corr = ++this.corr;
    const outcome = this.core.submit(this.id, makeEvent({ dir: Dir.DOWN, ...init, corr }));
    this.pump();
    return { corr, outcome };
  }

  /** Submits and resolves with the reply of `replyKind` (default ACT_ACK) carrying its corr. */
  async command(init: EventInit, replyKind: number = Kind.ACT_ACK, timeoutMs = 10_000): Promise<VmsigEvent> {
    const since = this.events.length;
    const { corr } = this.submit(init);
    return this.waitFor((e) => e.kind === replyKind && e.corr === corr && e.origin === this.id, { since, timeoutMs });
  }

  /** Submits and resolves with the decoded ACT_ACK. */
  async ack(init: EventInit, timeoutMs?: number): Promise<ReturnType<typeof decodeActAck>> {
    return decodeActAck((await this.command(init, Kind.ACT_ACK, timeoutMs)).inln);
  }

  /** Acquires a lease class on an endpoint; resolves with the reply kind (GRANTED/DENIED). */
  async acquire(endpoint: number, cls: number): Promise<number> {
    const since = this.events.length;
    const { corr } = this.submit({ kind: Kind.CMD_ACQUIRE, endpoint, inln: encodeLeaseReq({ cls, reason: 0 }) });
    const ev = await this.waitFor(
      (e) => (e.kind === Kind.LEASE_GRANTED || e.kind === Kind.LEASE_DENIED || e.kind === Kind.ACT_ACK) && e.corr === corr,
      { since },
    );
    return ev.kind;
  }

  /** Resolves with the first event after index `since` matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (e: VmsigEvent) => boolean, opts: { since?: number; timeoutMs?: number } = {}): Promise<VmsigEvent> {
    const { since = 0, timeoutMs = 10_000 } = opts;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.slice(since).find(pred);
        if (!hit) return false;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching event within ${timeoutMs} ms; last kinds: ${this.events.slice(-8).map((e) => e.kind).join(',')}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** Detaches from the core. */
  detach(): void {
    this.core.detachControl(this.id);
  }

  private pump(): void {
    this.core.drain(this.id, (ev) => {
      this.events.push(ev);
      return true;
    });
    for (const w of [...this.waiters]) w();
  }
}

const LETTERS = 'qwertyuiop asdfghjkl zxcvbnm';
const LETTER_BASE: Record<string, number> = { q: 16, a: 30, z: 44 };
const PLAIN: Record<string, number> = {
  ' ': 57, '\n': 28, '-': 12, '=': 13, '.': 52, ',': 51, '/': 53, ';': 39, "'": 40, '0': 11,
};
const SHIFTED: Record<string, number> = { '>': 52, '<': 51, '_': 12, '+': 13, ':': 39, '"': 40, '?': 53 };

/** evdev key code and whether Shift must be held, for one character of US-layout text. */
export function evdevKeyFor(ch: string): { code: number; shift: boolean } {
  for (const row of LETTERS.split(' ')) {
    const at = row.indexOf(ch.toLowerCase());
    if (at >= 0 && /[a-zA-Z]/.test(ch)) return { code: LETTER_BASE[row[0]!]! + at, shift: ch !== ch.toLowerCase() };
  }
  if (/^[1-9]$/.test(ch)) return { code: Number(ch) + 1, shift: false };
  if (PLAIN[ch] !== undefined) return { code: PLAIN[ch], shift: false };
  if (SHIFTED[ch] !== undefined) return { code: SHIFTED[ch], shift: true };
  throw new Error(`no evdev key for ${JSON.stringify(ch)}`);
}

/** The evdev press/release sequence (code, value) that types `text`. */
export function keyStrokes(text: string): { code: number; value: number }[] {
  const out: { code: number; value: number }[] = [];
  for (const ch of text) {
    const { code, shift } = evdevKeyFor(ch);
    if (shift) out.push({ code: 42, value: 1 });
    out.push({ code, value: 1 }, { code, value: 0 });
    if (shift) out.push({ code: 42, value: 0 });
  }
  return out;
}
