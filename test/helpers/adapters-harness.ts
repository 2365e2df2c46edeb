/*
 * What the adapter integration tests share: a real Core on the monotonic clock, and a test
 * control that drains its queue into a list, submits commands with fresh `corr`s and waits
 * for the events a test expects. Test-only; it talks to the core exactly as a transport does.
 */
import {
  type ActAck,
  Dir,
  type EventInit,
  type InputHeld,
  InputKind,
  Kind,
  MemWriteFlag,
  PayloadFlag,
  type VmsigEvent,
  decodeActAck,
  decodeInputHeld,
  encodeInput,
  encodeLeaseReq,
  encodeMemWrite,
  encodeOp,
  makeEvent,
} from '../../src/shared/model';
import type { QmpClient } from '../../src/main/adapters/qmp';
import {
  ALL_ENDPOINTS,
  Core,
  type ControlSpec,
  type SubmitOutcome,
  allEvents,
  maskOf,
} from '../../src/main/core';
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
    return this.waitFor((e) => e.kind === replyKind && e.corr === corr && e.origin === this.id, {
      since,
      timeoutMs,
    });
  }

  /** Submits and resolves with the decoded ACT_ACK. */
  async ack(init: EventInit, timeoutMs?: number): Promise<ReturnType<typeof decodeActAck>> {
    return decodeActAck((await this.command(init, Kind.ACT_ACK, timeoutMs)).inln);
  }

  /** Acquires a lease class on an endpoint; resolves with the reply kind (GRANTED/DENIED). */
  async acquire(endpoint: number, cls: number): Promise<number> {
    const since = this.events.length;
    const { corr } = this.submit({
      kind: Kind.CMD_ACQUIRE,
      endpoint,
      inln: encodeLeaseReq({ cls, reason: 0 }),
    });
    const ev = await this.waitFor(
      (e) =>
        (e.kind === Kind.LEASE_GRANTED || e.kind === Kind.LEASE_DENIED || e.kind === Kind.ACT_ACK) &&
        e.corr === corr,
      { since },
    );
    return ev.kind;
  }

  /** Resolves with the first event after index `since` matching `pred`; rejects after `timeoutMs`. */
  waitFor(
    pred: (e: VmsigEvent) => boolean,
    opts: { since?: number; timeoutMs?: number } = {},
  ): Promise<VmsigEvent> {
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
        reject(
          new Error(
            `no matching event within ${timeoutMs} ms; last kinds: ${this.events
              .slice(-8)
              .map((e) => e.kind)
              .join(',')}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** CMD_INPUT on `endpoint`; resolves with the ACT_ACK. */
  input(endpoint: number, kind: number, code: number, value: number, scroll = 0): Promise<ActAck> {
    return this.ack({ kind: Kind.CMD_INPUT, endpoint, inln: encodeInput({ kind, code, value, scroll }) });
  }

  /** Types `text` key by key (each awaiting its ACT_ACK); resolves with the distinct ack errors. */
  async type(endpoint: number, text: string): Promise<number[]> {
    const errs = new Set<number>();
    for (const k of keyStrokes(text))
      errs.add((await this.input(endpoint, InputKind.KEY, k.code, k.value)).err);
    return [...errs];
  }

  /** CMD_VM `op`; resolves with the ACT_ACK. */
  vm(endpoint: number, op: number): Promise<ActAck> {
    return this.ack({ kind: Kind.CMD_VM, endpoint, inln: encodeOp({ op }) });
  }

  /** CMD_LIFECYCLE `op`; resolves with the ACT_ACK. */
  lifecycle(endpoint: number, op: number): Promise<ActAck> {
    return this.ack({ kind: Kind.CMD_LIFECYCLE, endpoint, inln: encodeOp({ op }) });
  }

  /** CMD_QUERY_INPUT; resolves with the decoded INPUT_HELD. */
  async held(endpoint: number): Promise<InputHeld> {
    return decodeInputHeld(
      (await this.command({ kind: Kind.CMD_QUERY_INPUT, endpoint }, Kind.INPUT_HELD)).inln,
    );
  }

  /** CMD_MEMWRITE of `data` at `gva`, inline or in the payload; resolves with the ACT_ACK. */
  memWrite(endpoint: number, gva: bigint, data: Uint8Array, viaPayload = false): Promise<ActAck> {
    const flags = viaPayload ? MemWriteFlag.SRC_PAYLOAD : MemWriteFlag.SRC_INLINE;
    return this.ack({
      kind: Kind.CMD_MEMWRITE,
      endpoint,
      inln: encodeMemWrite({
        gva,
        len: data.length,
        flags,
        inlineData: viaPayload ? new Uint8Array() : data,
      }),
      payload: viaPayload ? { bytes: data, codec: 0, flags: PayloadFlag.BORROWED } : null,
    });
  }

  /** The next event of `kind` on `endpoint` (after index `since`) that passes `where`. */
  next(
    kind: number,
    endpoint: number,
    opts: { since?: number; timeoutMs?: number; where?: (e: VmsigEvent) => boolean } = {},
  ): Promise<VmsigEvent> {
    return this.waitFor((e) => e.kind === kind && e.endpoint === endpoint && (opts.where?.(e) ?? true), opts);
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
  ' ': 57,
  '\n': 28,
  '-': 12,
  '=': 13,
  '.': 52,
  ',': 51,
  '/': 53,
  ';': 39,
  "'": 40,
  '0': 11,
};
const SHIFTED: Record<string, number> = { '>': 52, '<': 51, _: 12, '+': 13, ':': 39, '"': 40, '?': 53 };

/** evdev key code and whether Shift must be held, for one character of US-layout text. */
export function evdevKeyFor(ch: string): { code: number; shift: boolean } {
  for (const row of LETTERS.split(' ')) {
    const at = row.indexOf(ch.toLowerCase());
    if (at >= 0 && /[a-zA-Z]/.test(ch))
      return { code: LETTER_BASE[row[0]!]! + at, shift: ch !== ch.toLowerCase() };
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

/** Runs an HMP command through QMP and returns its text. */
export function hmp(qmp: QmpClient, line: string): Promise<string> {
  return qmp.execute<string>('human-monitor-command', { 'command-line': line });
}

/** Bytes at a guest address as the monitor reads them (`x`: virtual under vCPU 0, `xp`: physical). */
export async function monitorBytes(
  qmp: QmpClient,
  cmd: 'x' | 'xp',
  addr: bigint,
  n: number,
): Promise<number[]> {
  const text = await hmp(qmp, `${cmd} /${n}xb 0x${addr.toString(16)}`);
  return text
    .split('\n')
    .flatMap((l) => (l.includes(':') ? (l.split(':')[1]!.match(/0x[0-9a-f]{2}/g) ?? []) : []))
    .map((h) => Number(h));
}

/** The RAM ranges of backend `ram0` in `info mtree -f`, as `gpa+size@fileOff` strings. */
export function ramRangesInMtree(text: string): Set<string> {
  const re = /^\s*([0-9a-f]{16})-([0-9a-f]{16}) \(prio \d+, ram\): ram0(?: @([0-9a-f]{16}))?\s*$/;
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const [start, end] = [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)];
    out.add(`${start}+${end - start + 1n}@${BigInt(`0x${m[3] ?? m[1]}`)}`);
  }
  return out;
}
