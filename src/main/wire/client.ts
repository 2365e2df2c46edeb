/*
 * A small protocol v1 client (used by the CLI, tests and benchmarks): connect, HELLO,
 * SUBSCRIBE, send events, await a reply by `corr`, follow the event stream. Replies are
 * matched in a map keyed by corr, never mixed into the stream listeners' order; every
 * pending request is rejected when the connection closes.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { SubscriptionFilter } from '../core';
import {
  COMMAND_REPLY_KINDS,
  Dir,
  ErrorCode,
  type EventInit,
  Kind,
  type VmsigEvent,
  VmsigError,
  decodeEventBody,
  encodeEventBody,
  makeEvent,
} from '../../shared/model';
import {
  type ErrorFrame,
  type Welcome,
  decodeError,
  decodeNonce,
  decodeWelcome,
  encodeHello,
  encodeNonce,
  encodeSubscribe,
} from './frame-bodies';
import { FrameDecoder } from './frame-decoder';
import { type Frame, FrameType, PROTOCOL_VERSION, encodeFrame } from './frame-header';
import { type HostReply, decodeHostReply, encodeHostRequest } from './host-frames';

/** Connection options. */
export interface WireClientOptions {
  /** Largest frame body accepted from the server (default 1 MiB + payload headroom). */
  maxFrame?: number;
  connectTimeoutMs?: number;
}

/** Why the connection ended: the server's last fatal ERROR frame, if it sent one. */
export interface CloseInfo {
  error: ErrorFrame | null;
}

/** Kinds that answer a command, plus ERROR: a refused sensor report is answered with one. */
const REPLY_KINDS = new Set<number>([...COMMAND_REPLY_KINDS, Kind.ERROR]);

interface Pending {
  resolve(ev: VmsigEvent): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** One protocol connection. */
export class WireClient {
  /** The server's WELCOME, once `hello` resolved. */
  welcome: Welcome | null = null;
  /** Resolves once, when the socket closes. */
  readonly closed: Promise<CloseInfo>;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private readonly pings = new Map<bigint, (n: bigint) => void>();
  private readonly hostPending = new Map<
    number,
    Omit<Pending, 'resolve'> & { resolve(r: HostReply): void }
  >();
  private nextHostId = 1;
  private eventListeners: ((ev: VmsigEvent) => void)[] = [];
  private errorListeners: ((e: ErrorFrame) => void)[] = [];
  private helloWaiter: { resolve(w: Welcome): void; reject(e: Error): void } | null = null;
  private lastFatal: ErrorFrame | null = null;
  private nextCorr = (Math.random() * 0x7fff_0000) >>> 0 || 1;
  private nextNonce = 1n;
  private isClosed = false;
  private socketError: string | null = null;

  private constructor(
    private readonly socket: net.Socket,
    opts: WireClientOptions,
  ) {
    this.decoder = new FrameDecoder(opts.maxFrame ?? (1 << 20) + 65536);
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true;
        const err = new VmsigError(
          this.lastFatal?.code ?? ErrorCode.IO,
          `connection closed${this.lastFatal ? `: ${this.lastFatal.msg}` : this.socketError ? `: ${this.socketError}` : ''}`,
        );
        for (const p of [...this.pending.values(), ...this.hostPending.values()]) {
          clearTimeout(p.timer);
          p.reject(err);
        }
        this.pending.clear();
        this.hostPending.clear();
        this.helloWaiter?.reject(err);
        this.helloWaiter = null;
        resolve({ error: this.lastFatal });
      });
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk, (f) => this.onFrame(f));
      } catch (e) {
        this.lastFatal = {
          code: (e as VmsigError).code ?? ErrorCode.BAD_FRAME,
          msg: `bad frame from server: ${String(e)}`,
        };
        socket.destroy();
      }
    });
    // A socket error ends in 'close'; its reason is carried into the rejections there.
    socket.on('error', (e) => (this.socketError = e.message));
  }

  /** Speaks the protocol over an already connected byte stream (a fleet session over NATS, docs/fleet.md). */
  static over(stream: Duplex, opts: WireClientOptions = {}): WireClient {
    return new WireClient(stream as net.Socket, opts);
  }

  /** Connects to the Unix socket `path`; rejects VmsigError IO with the system's reason. */
  static connect(path: string, opts: WireClientOptions = {}): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new VmsigError(ErrorCode.TIMEOUT, `connecting to ${path} timed out`));
      }, opts.connectTimeoutMs ?? 5000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new WireClient(socket, opts));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new VmsigError(
            ErrorCode.IO,
            `cannot connect to ${path}: ${e.code ?? e.message} (is vmsig serve or the console running?)`,
          ),
        );
      });
    });
  }

  /** Sends HELLO; resolves with WELCOME, rejects VmsigError(code) on AUTH/BAD_VERSION/... */
  hello(
    token: string | Uint8Array,
    name: string,
    versions = { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION },
  ): Promise<Welcome> {
    return new Promise((resolve, reject) => {
      this.helloWaiter = { resolve, reject };
      this.writeFrame(
        FrameType.HELLO,
        encodeHello({ versionMin: versions.min, versionMax: versions.max, token, name }),
      );
    });
  }

  /** Replaces the subscription (the server replays current state it admits). */
  subscribe(filter: SubscriptionFilter): void {
    this.writeFrame(FrameType.SUBSCRIBE, encodeSubscribe(filter));
  }

  /** Sends an EVENT (default dir DOWN, a fresh corr when none is given); returns its corr. */
  send(init: EventInit): number {
    const corr = init.corr ?? this.allocCorr();
    const ev = makeEvent({ dir: Dir.DOWN, ...init, corr });
    this.writeFrame(FrameType.EVENT, encodeEventBody(ev));
    return corr;
  }

  /** Sends a command and resolves with its reply (ACT_ACK, LEASE_*, INPUT_HELD or ERROR event). */
  request(init: EventInit, timeoutMs = 10_000): Promise<VmsigEvent> {
    const corr = this.allocCorr();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(corr);
        reject(new VmsigError(ErrorCode.TIMEOUT, `no reply to kind ${init.kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(corr, { resolve, reject, timer });
      this.send({ ...init, corr });
    });
  }

  /**
   * Sends a host request (§10, docs/protocol-host-frames.md) and resolves with its reply,
   * refusals included (`ok: false`). Rejects VmsigError when the connection closes first (a
   * server without host requests answers BAD_FRAME and closes) or TIMEOUT.
   */
  hostRequest(op: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<HostReply> {
    const id = this.nextHostId++ >>> 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.hostPending.delete(id);
        reject(new VmsigError(ErrorCode.TIMEOUT, `no reply to host request ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.hostPending.set(id, { resolve, reject, timer });
      this.writeFrame(FrameType.HOST_REQUEST, encodeHostRequest(id, op, args));
    });
  }

  /** Round trip of PING/PONG; resolves with the echoed nonce. */
  ping(): Promise<bigint> {
    const nonce = this.nextNonce++;
    return new Promise((resolve) => {
      this.pings.set(nonce, resolve);
      this.writeFrame(FrameType.PING, encodeNonce(nonce));
    });
  }

  /** Listens to every EVENT (replies included); returns the disposer. */
  onEvent(fn: (ev: VmsigEvent) => void): () => void {
    this.eventListeners = [...this.eventListeners, fn];
    return () => {
      this.eventListeners = this.eventListeners.filter((f) => f !== fn);
    };
  }

  /** Listens to ERROR frames (fatal ones precede the close); returns the disposer. */
  onErrorFrame(fn: (e: ErrorFrame) => void): () => void {
    this.errorListeners = [...this.errorListeners, fn];
    return () => {
      this.errorListeners = this.errorListeners.filter((f) => f !== fn);
    };
  }

  /** Closes the connection and waits for it to end. */
  async close(): Promise<CloseInfo> {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    return this.closed;
  }

  private allocCorr(): number {
    this.nextCorr = (this.nextCorr + 1) >>> 0 || 1;
    return this.nextCorr;
  }

  private writeFrame(type: number, body: Uint8Array): void {
    if (this.isClosed) throw new VmsigError(ErrorCode.IO, 'connection is closed');
    this.socket.write(encodeFrame(type, body));
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case FrameType.WELCOME: {
        this.welcome = decodeWelcome(f.body);
        this.helloWaiter?.resolve(this.welcome);
        this.helloWaiter = null;
        return;
      }
      case FrameType.EVENT: {
        const ev = decodeEventBody(f.body);
        if (ev.dir === Dir.UP && REPLY_KINDS.has(ev.kind)) {
          const p = this.pending.get(ev.corr);
          if (p) {
            clearTimeout(p.timer);
            this.pending.delete(ev.corr);
            p.resolve(ev);
          }
        }
        for (const fn of this.eventListeners) fn(ev);
        return;
      }
      case FrameType.ERROR: {
        const e = decodeError(f.body);
        if (e.code !== ErrorCode.KIND) this.lastFatal = e;
        if (this.helloWaiter) {
          this.helloWaiter.reject(new VmsigError(e.code, e.msg));
          this.helloWaiter = null;
        }
        for (const fn of this.errorListeners) fn(e);
        return;
      }
      case FrameType.PING:
        this.writeFrame(FrameType.PONG, f.body);
        return;
      case FrameType.PONG: {
        const n = decodeNonce(f.body);
        this.pings.get(n)?.(n);
        this.pings.delete(n);
        return;
      }
      case FrameType.HOST_REPLY: {
        const { id, reply } = decodeHostReply(f.body);
        const p = this.hostPending.get(id);
        if (p) {
          clearTimeout(p.timer);
          this.hostPending.delete(id);
          p.resolve(reply);
        }
        return;
      }
      default:
        return; // a client ignores what it does not know
    }
  }
}
