/*
 * Matches QMP commands to replies by id and bounds how many are in flight; the rest wait
 * in FIFO order. It never loses a command: each one is settled exactly once, by its reply,
 * its timeout, or the close of the connection. It owns no socket; it writes via `send`.
 */
import { ErrorCode } from '../../../shared/model/constants';
import { QmpError, commandError } from './qmp-errors';

/** Default bound on commands written but not yet answered. */
export const DEFAULT_MAX_IN_FLIGHT = 8;

interface Entry {
  readonly id: number;
  readonly command: string;
  readonly line: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: QmpError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  sent: boolean;
}

/** How a reply settles a command: its value, or the error QEMU returned. */
export type ReplyOutcome = { ok: true; value: unknown } | { ok: false; errorClass: string; desc: string };

/** Queue + pending map of one connection's commands. */
export class CommandQueue {
  private nextId = 1;
  private readonly waiting: Entry[] = [];
  private readonly pending = new Map<number, Entry>();
  /** Ids that timed out after being sent: their late replies are expected, not suspicious. */
  private readonly expired = new Set<number>();
  private send: ((line: string) => void) | undefined;

  constructor(private readonly maxInFlight = DEFAULT_MAX_IN_FLIGHT) {}

  /** Commands written and awaiting a reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Commands not yet written (over the in-flight bound, or not connected yet). */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Queues `command`; resolves with its `return` value, rejects with a QmpError
   * (`command`, `timeout` after `timeoutMs` from submission, or whatever closes the queue).
   */
  submit(command: string, args: object | undefined, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const line = JSON.stringify(
        args === undefined ? { execute: command, id } : { execute: command, arguments: args, id },
      );
      const entry: Entry = { id, command, line, resolve, reject, timer: undefined, sent: false };
      entry.timer = setTimeout(() => this.expire(entry, timeoutMs), timeoutMs);
      this.waiting.push(entry);
      this.pump();
    });
  }

  /** Attaches the writer of a running connection (or detaches it with undefined) and flushes. */
  attach(send: ((line: string) => void) | undefined): void {
    this.send = send;
    this.pump();
  }

  /**
   * Settles the command with this id. Returns `late` for a reply to a command that already
   * timed out, `unknown` for an id this queue never sent (the caller logs and drops it).
   */
  settle(id: unknown, outcome: ReplyOutcome): 'settled' | 'late' | 'unknown' {
    const entry = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!entry) {
      if (typeof id === 'number' && this.expired.delete(id)) return 'late';
      return 'unknown';
    }
    this.finish(entry);
    if (outcome.ok) entry.resolve(outcome.value);
    else entry.reject(commandError(entry.command, outcome.errorClass, outcome.desc));
    this.pump();
    return 'settled';
  }

  /**
   * Settles every command because the connection closed: written `quit` commands resolve
   * (QEMU closing the socket is how quit succeeds), everything else rejects with `error`.
   */
  closeAll(error: QmpError): void {
    this.send = undefined;
    const entries = [...this.pending.values(), ...this.waiting];
    for (const entry of entries) {
      this.finish(entry);
      if (entry.sent && entry.command === 'quit') entry.resolve(undefined);
      else entry.reject(error);
    }
    this.expired.clear();
  }

  private pump(): void {
    while (this.send && this.waiting.length > 0 && this.pending.size < this.maxInFlight) {
      const entry = this.waiting.shift() as Entry;
      entry.sent = true;
      this.pending.set(entry.id, entry);
      this.send(entry.line);
    }
  }

  private expire(entry: Entry, timeoutMs: number): void {
    entry.timer = undefined;
    if (entry.sent) this.rememberExpired(entry.id);
    this.finish(entry);
    entry.reject(
      new QmpError('timeout', ErrorCode.TIMEOUT, `${entry.command}: no reply within ${timeoutMs} ms`),
    );
    this.pump();
  }

  private rememberExpired(id: number): void {
    // Bounded: a peer that never answers must not grow this set forever.
    if (this.expired.size >= 1024) this.expired.delete(this.expired.values().next().value as number);
    this.expired.add(id);
  }

  private finish(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    this.pending.delete(entry.id);
    const i = this.waiting.indexOf(entry);
    if (i >= 0) this.waiting.splice(i, 1);
  }
}
