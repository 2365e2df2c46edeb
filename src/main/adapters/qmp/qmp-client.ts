/*
 * A QMP client over a Unix socket, shaped like python qemu.qmp: an explicit state machine
 * (idle → connecting → running → disconnecting → idle), greeting and qmp_capabilities
 * before the read loop, replies matched by id, events on their own channel, optional
 * reconnect with backoff. It must never import host/, electron or renderer code, and never
 * send QEMU a malformed line (that stalls QEMU's monitor until a 0xFF byte).
 */
import net from 'node:net';
import { ErrorCode } from '../../../shared/model/constants';
import type { Log } from '../../core/ports';
import { CommandQueue, DEFAULT_MAX_IN_FLIGHT } from './command-queue';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, LineTooLongError } from './line-splitter';
import { QmpError } from './qmp-errors';
import { classify, type QmpEvent, type QmpGreeting } from './qmp-types';
import { TypedEmitter, type Disposer } from './typed-emitter';

/** The client's life cycle; any failure rolls back to `idle`. */
export type QmpState = 'idle' | 'connecting' | 'running' | 'disconnecting';

/** Exponential backoff after an unexpected close: delay = min(maxMs, initialMs * factor^n). */
export interface ReconnectPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Give up after this many failed attempts in a row (default: never). */
  maxAttempts?: number;
}

/** Options of a QmpClient; only `path` is required. */
export interface QmpClientOptions {
  /** Path of QEMU's QMP Unix socket (`-qmp unix:PATH,server=on,wait=off`). */
  path: string;
  log?: Log;
  /** Default per-command timeout, counted from submission (default 10 s). */
  commandTimeoutMs?: number;
  /** Bound on the greeting + capabilities handshake (default 5 s). */
  connectTimeoutMs?: number;
  maxInFlight?: number;
  maxLineBytes?: number;
  /** Reconnect after the socket closes unexpectedly; `false` disables (the default). */
  reconnect?: ReconnectPolicy | false;
}

/** What the client emits: QEMU events, state changes, and connection-level failures. */
export interface QmpClientEvents {
  event: QmpEvent;
  state: QmpState;
  error: QmpError;
}

/** Default reconnect policy: 100 ms doubling to 5 s, forever. */
export const DEFAULT_RECONNECT: ReconnectPolicy = { initialMs: 100, maxMs: 5000, factor: 2 };

const silent: Log = () => {};

/** One QMP connection (re-established on demand); see the module comment for the contract. */
export class QmpClient {
  private stateValue: QmpState = 'idle';
  private socket: net.Socket | undefined;
  private readonly queue: CommandQueue;
  private readonly emitter: TypedEmitter<QmpClientEvents>;
  private readonly log: Log;
  private greetingValue: QmpGreeting | undefined;
  /** Why the current socket is being torn down; settles the queue on close. */
  private closeReason: QmpError | undefined;
  /** Set by disconnect()/quit(): a close after it is intended, so no reconnect. */
  private intendedClose = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempts = 0;

  constructor(private readonly options: QmpClientOptions) {
    this.log = options.log ?? silent;
    this.queue = new CommandQueue(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    this.emitter = new TypedEmitter<QmpClientEvents>((event, error) =>
      this.log('error', `qmp: a '${String(event)}' listener threw: ${String(error)}`),
    );
  }

  /** Current state. */
  get state(): QmpState {
    return this.stateValue;
  }

  /** The greeting of the current (or last) connection, once received. */
  get greeting(): QmpGreeting | undefined {
    return this.greetingValue;
  }

  /** Whether a reconnect is scheduled. */
  get reconnecting(): boolean {
    return this.reconnectTimer !== undefined;
  }

  /** Commands written and not yet answered / waiting to be written. */
  get load(): { inFlight: number; queued: number } {
    return { inFlight: this.queue.inFlight, queued: this.queue.queued };
  }

  /** Subscribes to client events; returns the disposer. */
  on<K extends keyof QmpClientEvents>(name: K, listener: (value: QmpClientEvents[K]) => void): Disposer {
    return this.emitter.on(name, listener);
  }

  /** Subscribes to QEMU events named `name` ('*' for all) that pass `predicate`. */
  onEvent(
    name: string,
    listener: (event: QmpEvent) => void,
    predicate?: (event: QmpEvent) => boolean,
  ): Disposer {
    return this.emitter.on('event', (ev) => {
      if ((name === '*' || ev.event === name) && (!predicate || predicate(ev))) listener(ev);
    });
  }

  /** Resolves with the next event named `name` passing `predicate`; rejects `timeout`. */
  waitForEvent(name: string, timeoutMs: number, predicate?: (event: QmpEvent) => boolean): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        dispose();
        reject(new QmpError('timeout', ErrorCode.TIMEOUT, `no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const dispose = this.onEvent(
        name,
        (ev) => {
          clearTimeout(timer);
          dispose();
          resolve(ev);
        },
        predicate,
      );
    });
  }

  /**
   * Connects, reads the greeting and negotiates capabilities. Needs state `idle`; rejects
   * with QmpError `state`, or `connect` / `timeout` (and the state is `idle` again).
   */
  async connect(): Promise<void> {
    if (this.stateValue !== 'idle') {
      throw new QmpError('state', ErrorCode.BUSY, `connect() needs state idle, not ${this.stateValue}`);
    }
    this.intendedClose = false;
    this.cancelReconnect();
    await this.attempt();
  }

  /**
   * Runs `command` and resolves with QEMU's `return` value. Allowed while `connecting`
   * (queued until running) or `running`; otherwise rejects QmpError `state`. Rejects
   * `command` (QEMU error reply), `timeout`, or `closed` when the socket closes first.
   */
  execute<T = unknown>(command: string, args?: object, options?: { timeoutMs?: number }): Promise<T> {
    if (this.stateValue !== 'running' && this.stateValue !== 'connecting') {
      const hint = this.reconnecting ? ' (reconnect pending)' : '';
      return Promise.reject(new QmpError('state', ErrorCode.SEAM, `${command}: QMP not connected${hint}`));
    }
    const timeoutMs = options?.timeoutMs ?? this.options.commandTimeoutMs ?? 10_000;
    return this.queue.submit(command, args, timeoutMs) as Promise<T>;
  }

  /**
   * Asks QEMU to quit. Resolves on the reply or on the socket closing, whichever comes
   * first (QEMU may close before replying); no reconnect follows.
   */
  async quit(options?: { timeoutMs?: number }): Promise<void> {
    this.intendedClose = true;
    await this.execute('quit', undefined, options);
  }

  /** Closes the connection on purpose: pending commands reject `closed`, no reconnect. */
  async disconnect(): Promise<void> {
    this.intendedClose = true;
    this.cancelReconnect();
    const socket = this.socket;
    if (!socket || this.stateValue === 'idle') return;
    this.setState('disconnecting');
    this.closeReason ??= new QmpError('closed', ErrorCode.SEAM, 'QMP connection closed by the client');
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // A peer that does not finish the close within a second gets the socket destroyed.
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  private attempt(): Promise<void> {
    this.setState('connecting');
    this.closeReason = undefined;
    const splitter = new LineSplitter(this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    const socket = net.createConnection({ path: this.options.path });
    this.socket = socket;
    const connectTimeoutMs = this.options.connectTimeoutMs ?? 5000;

    return new Promise<void>((resolve, reject) => {
      let phase: 'greeting' | 'capabilities' | 'running' = 'greeting';
      const capsId = '__vmsig_capabilities';
      let settled = false;
      const settle = (error?: QmpError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(handshakeTimer);
        if (error) reject(error);
        else resolve();
      };
      const handshakeTimer = setTimeout(() => {
        this.fail(
          new QmpError(
            'timeout',
            ErrorCode.TIMEOUT,
            `no QMP ${phase} within ${connectTimeoutMs} ms on ${this.options.path} (another client connected?)`,
          ),
        );
      }, connectTimeoutMs);

      socket.on('data', (chunk: Buffer) => {
        let lines: string[];
        try {
          lines = splitter.push(chunk);
        } catch (e) {
          const limit = e instanceof LineTooLongError ? e.limit : 0;
          this.fail(new QmpError('protocol', ErrorCode.TOO_LARGE, `QMP line longer than ${limit} bytes`));
          return;
        }
        for (const line of lines) {
          if (line.trim() === '' || socket.destroyed) continue;
          let raw: unknown;
          try {
            raw = JSON.parse(line);
          } catch {
            this.fail(
              new QmpError('protocol', ErrorCode.BAD_FRAME, `malformed JSON from QEMU: ${line.slice(0, 80)}`),
            );
            return;
          }
          const msg = classify(raw);
          if (phase === 'greeting') {
            if (msg.type !== 'greeting') {
              this.fail(
                new QmpError(
                  'connect',
                  ErrorCode.BAD_FRAME,
                  `expected a QMP greeting, got: ${line.slice(0, 80)}`,
                ),
              );
              return;
            }
            this.greetingValue = msg.greeting;
            phase = 'capabilities';
            socket.write(`${JSON.stringify({ execute: 'qmp_capabilities', id: capsId })}\n`);
          } else if (phase === 'capabilities') {
            if (msg.type === 'return' && msg.id === capsId) {
              phase = 'running';
              this.reconnectAttempts = 0;
              this.setState('running');
              this.queue.attach((l) => socket.write(`${l}\n`));
              settle();
            } else if (msg.type === 'error' && msg.id === capsId) {
              this.fail(
                new QmpError(
                  'connect',
                  ErrorCode.IO,
                  `qmp_capabilities failed: ${msg.errorClass}: ${msg.desc}`,
                ),
              );
              return;
            } else if (msg.type === 'event') {
              this.emitter.emit('event', msg.event);
            }
          } else {
            this.dispatch(msg, line);
          }
        }
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        const kind = phase === 'running' ? 'closed' : 'connect';
        this.closeReason ??= new QmpError(
          kind,
          ErrorCode.IO,
          `QMP socket ${this.options.path}: ${e.code ?? e.message}`,
        );
      });
      socket.on('close', () => {
        clearTimeout(handshakeTimer);
        const reason =
          this.closeReason ??
          (phase === 'running'
            ? new QmpError('closed', ErrorCode.IO, 'QMP socket closed by QEMU')
            : new QmpError('connect', ErrorCode.IO, `QMP socket closed during the ${phase}`));
        const wasRunning = phase === 'running';
        this.socket = undefined;
        this.queue.closeAll(reason);
        this.setState('idle');
        settle(reason);
        if (wasRunning && reason.kind !== 'closed') this.emitter.emit('error', reason);
        if (!this.intendedClose && (wasRunning || this.reconnectAttempts > 0)) this.scheduleReconnect(reason);
      });
    });
  }

  private dispatch(msg: ReturnType<typeof classify>, line: string): void {
    switch (msg.type) {
      case 'event':
        this.emitter.emit('event', msg.event);
        return;
      case 'return':
      case 'error': {
        const outcome =
          msg.type === 'return'
            ? { ok: true as const, value: msg.value }
            : { ok: false as const, errorClass: msg.errorClass, desc: msg.desc };
        const result = this.queue.settle(msg.id, outcome);
        if (result === 'late')
          this.log('debug', `qmp: late reply to timed-out command id ${String(msg.id)} dropped`);
        if (result === 'unknown')
          this.log('warn', `qmp: dropped a reply with unknown id: ${line.slice(0, 120)}`);
        return;
      }
      default:
        this.log('warn', `qmp: ignored an unexpected message: ${line.slice(0, 120)}`);
    }
  }

  /** Tears the connection down because of `error`; the close handler settles everything. */
  private fail(error: QmpError): void {
    this.log('error', `qmp: ${error.message}`);
    this.closeReason ??= error;
    this.socket?.destroy();
  }

  private scheduleReconnect(reason: QmpError): void {
    const policy = this.options.reconnect;
    if (!policy) return;
    if (policy.maxAttempts !== undefined && this.reconnectAttempts >= policy.maxAttempts) {
      this.reconnectAttempts = 0;
      this.emitter.emit(
        'error',
        new QmpError(
          'connect',
          ErrorCode.IO,
          `gave up reconnecting after ${policy.maxAttempts} attempts: ${reason.message}`,
        ),
      );
      return;
    }
    const delay = Math.min(policy.maxMs, policy.initialMs * policy.factor ** this.reconnectAttempts);
    this.reconnectAttempts++;
    this.log(
      'info',
      `qmp: reconnecting to ${this.options.path} in ${delay} ms (attempt ${this.reconnectAttempts})`,
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      // A failed attempt schedules the next one from its close handler.
      this.attempt().catch((e: unknown) => this.log('debug', `qmp: reconnect attempt failed: ${String(e)}`));
    }, delay);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.reconnectAttempts = 0;
  }

  private setState(next: QmpState): void {
    if (next === this.stateValue) return;
    this.stateValue = next;
    this.emitter.emit('state', next);
  }
}
