/*
 * One control connection: handshake, frame dispatch and paced delivery. Everything a peer
 * sends is checked here and turned into a core call or an ERROR frame; nothing it sends
 * may throw out of this file. Output is paced by the socket: events stay in the core's
 * bounded queues until the socket drains, and reading pauses while our writes back up.
 * Input is paced by a ReadPacer: a bounded number of frames per turn, none while the
 * console is under pressure, and the frame deadline's clock stops while we pause.
 */
import type net from 'node:net';
import type { Clock, Core, Log } from '../core';
import { maskToBigInt } from '../core';
import { ErrorCode, type VmsigEvent, decodeEventBody, isVmsigError, nameOf } from '../../shared/model';
import type { Authenticator } from './auth';
import { decodeHello, decodeNonce, decodeSubscribe, encodeError, encodeWelcome } from './frame-bodies';
import { FrameDecoder } from './frame-decoder';
import { eventFrameSize, writeEventFrame } from './event-frame';
import { type Frame, FrameType, PROTOCOL_VERSION, encodeFrame } from './frame-header';
import { ReadPacer } from './read-pacer';
import { HostRequestDesk, type HostRequestHandler } from './host-frames';

/** What a connection needs from its server. */
export interface ConnectionDeps {
  core: Core;
  clock: Clock;
  log: Log;
  authenticate: Authenticator;
  maxFrame: number;
  helloTimeoutMs: number;
  frameDeadlineMs: number;
  /** Answers HOST_REQUEST frames (§10); without it they are unknown types (BAD_FRAME). */
  hostRequests?: HostRequestHandler;
  onClosed(conn: Connection): void;
}

const BATCH_MAX = 64 * 1024;
/** Grace for a closing peer to read our last ERROR frame before the socket is destroyed. */
const LINGER_MS = 2000;

function bigFrame(ev: VmsigEvent, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  writeEventFrame(out, 0, ev);
  return out;
}

/** A connected peer, from accept to close. */
export class Connection {
  private state: 'hello' | 'open' | 'closed' = 'hello';
  private controlId = 0;
  private readonly decoder: FrameDecoder;
  private readonly pacer: ReadPacer;
  private helloTimer: NodeJS.Timeout | null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private drainScheduled = false;
  private blocked = false;
  private hostDesk: HostRequestDesk | null = null;
  /** The control's name from HELLO, for logs. */
  name = '';

  constructor(
    private readonly socket: net.Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.pacer = new ReadPacer(socket, deps.core.pressure, {
      handle: (f) => this.handleFrame(f),
      fault: (e) => this.onInputError(e),
      resumed: () => this.armDeadline(),
    });
    // The decoder stamps a partial frame with the pacer's clock, which stops while we pause.
    this.decoder = new FrameDecoder(deps.maxFrame, this.pacer.now);
    this.helloTimer = setTimeout(
      () => this.fail(ErrorCode.FRAME_TIMEOUT, `no HELLO within ${deps.helloTimeoutMs} ms`),
      deps.helloTimeoutMs,
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', (e) => this.deps.log('debug', `control socket error (${this.label()}): ${e.message}`));
    socket.on('close', () => this.teardown());
  }

  /** The core's id for this control, 0 before WELCOME. */
  get id(): number {
    return this.controlId;
  }

  /** Closes with an ERROR frame `code` (SHUTDOWN on server stop); idempotent. */
  fail(code: number, msg: string): void {
    if (this.state === 'closed') return;
    this.deps.log(
      code === ErrorCode.SHUTDOWN ? 'debug' : 'info',
      `closing control ${this.label()}: ${nameOf(ErrorCode, code)} ${msg}`,
    );
    this.socket.write(encodeFrame(FrameType.ERROR, encodeError({ code, msg })));
    this.teardown();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  private label(): string {
    return this.controlId ? `${this.controlId} "${this.name}"` : 'before HELLO';
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    try {
      this.decoder.push(chunk, (f) => this.pacer.queue(f));
    } catch (e) {
      this.pacer.failAfterQueued(e);
    }
    this.pacer.pump();
    this.armDeadline();
  }

  /** Handles one frame for the pacer; false once the connection is closed. */
  private handleFrame(f: Frame): boolean {
    try {
      this.onFrame(f);
    } catch (e) {
      this.onInputError(e);
    }
    return this.state !== 'closed';
  }

  private onInputError(e: unknown): void {
    if (isVmsigError(e)) this.fail(e.code, e.message);
    else {
      this.deps.log('error', `control ${this.label()}: unexpected failure on input: ${String(e)}`);
      this.fail(ErrorCode.BAD_FRAME, 'internal error while handling the frame');
    }
  }

  /** The whole-frame deadline (§2): one timer, re-armed for the frame pending; it does not run while we pause (§10). */
  private armDeadline(): void {
    if (this.deadlineTimer || this.state === 'closed' || this.pacer.paused) return;
    const since = this.decoder.partialSince;
    if (since === null) return;
    const wait = Math.max(0, since + this.deps.frameDeadlineMs - this.pacer.now());
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      if (this.pacer.paused) return; // resumed() re-arms it
      const s = this.decoder.partialSince;
      if (s !== null && this.pacer.now() - s >= this.deps.frameDeadlineMs) {
        this.fail(
          ErrorCode.FRAME_TIMEOUT,
          `frame not complete within ${this.deps.frameDeadlineMs} ms of its first byte`,
        );
      } else this.armDeadline();
    }, wait);
  }

  private onFrame(f: Frame): void {
    if (this.state === 'closed') return;
    if (this.state === 'hello') return this.onHello(f);
    switch (f.type) {
      case FrameType.EVENT:
        return this.onEvent(decodeEventBody(f.body));
      case FrameType.SUBSCRIBE:
        this.deps.core.subscribe(this.controlId, decodeSubscribe(f.body));
        return;
      case FrameType.PING:
        decodeNonce(f.body);
        // Events queued by earlier frames go out first, so a PONG proves they were answered.
        if (!this.blocked) this.drainNow();
        this.write(encodeFrame(FrameType.PONG, f.body));
        return;
      case FrameType.PONG:
        decodeNonce(f.body);
        return;
      case FrameType.HOST_REQUEST:
        if (!this.deps.hostRequests) return this.fail(ErrorCode.BAD_FRAME, `unknown frame type ${f.type}`);
        this.hostDesk ??= new HostRequestDesk(
          this.deps.hostRequests,
          (body) => this.write(encodeFrame(FrameType.HOST_REPLY, body)),
          this.deps.maxFrame,
        );
        this.hostDesk.onRequest(this.controlId, f.body);
        return;
      default:
        return this.fail(ErrorCode.BAD_FRAME, `frame type ${f.type} is not accepted from a client here`);
    }
  }

  private onHello(f: Frame): void {
    if (f.type !== FrameType.HELLO)
      return this.fail(ErrorCode.HELLO_REQUIRED, `frame type ${f.type} before HELLO`);
    const hello = decodeHello(f.body);
    if (hello.versionMin > PROTOCOL_VERSION || hello.versionMax < PROTOCOL_VERSION) {
      return this.fail(
        ErrorCode.BAD_VERSION,
        `server speaks version ${PROTOCOL_VERSION}, client asked ${hello.versionMin}..${hello.versionMax}`,
      );
    }
    const spec = this.deps.authenticate(hello.token);
    if (!spec) return this.fail(ErrorCode.AUTH, 'unknown token');
    clearTimeout(this.helloTimer!);
    this.helloTimer = null;
    this.name = hello.name;
    this.state = 'open';
    this.controlId = this.deps.core.attachControl(
      { ...spec, name: hello.name ? `${spec.name}/${hello.name}` : spec.name, inProcess: false },
      { wake: () => this.scheduleDrain(), closed: (code, reason) => this.onCoreClosed(code, reason) },
    );
    this.deps.log(
      'info',
      `control ${this.controlId} attached: ${spec.name} (principal ${spec.principal}) as "${hello.name}"`,
    );
    const welcome = encodeWelcome({
      version: PROTOCOL_VERSION,
      controlId: this.controlId,
      principal: spec.principal,
      caps: spec.caps,
      endpointMask: maskToBigInt(spec.grant),
      leasePrio: spec.leasePrio,
      maxFrame: this.deps.maxFrame,
      tsNs: BigInt(this.deps.clock.nowNs()),
    });
    this.write(encodeFrame(FrameType.WELCOME, welcome));
  }

  private onEvent(ev: VmsigEvent): void {
    const out = this.deps.core.submit(this.controlId, ev);
    // Unanswered refusals (KIND for something that is not a command) get a non-fatal ERROR frame.
    if (!out.replied)
      this.write(
        encodeFrame(FrameType.ERROR, encodeError({ code: out.err, msg: `event kind ${ev.kind} refused` })),
      );
  }

  private onCoreClosed(code: number, reason: string): void {
    this.controlId = 0; // the core already detached it
    this.fail(code, reason);
  }

  /** Writes a frame; when the socket backs up, stop reading until it drains (bounds our buffers). */
  private write(buf: Uint8Array): boolean {
    if (this.state === 'closed') return false;
    const ok = this.socket.write(buf);
    if (!ok && !this.blocked) {
      this.blocked = true;
      this.pacer.setWriteBlocked(true);
    }
    return ok;
  }

  private onDrain(): void {
    if (!this.blocked || this.state === 'closed') return;
    this.blocked = false;
    this.pacer.setWriteBlocked(false);
    if (this.deps.core.pending(this.controlId) > 0) this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.state !== 'open') return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      if (!this.blocked) this.drainNow();
    });
  }

  /** Moves queued events into the socket in batches, stopping when the socket pushes back. */
  private drainNow(): void {
    if (this.state !== 'open') return;
    let batch = Buffer.allocUnsafe(
      Math.min(BATCH_MAX, Math.max(4096, this.deps.core.pending(this.controlId) * 104)),
    );
    let used = 0;
    const flush = (): void => {
      if (used === 0) return;
      this.write(batch.subarray(0, used));
      batch = Buffer.allocUnsafe(BATCH_MAX);
      used = 0;
    };
    this.deps.core.drain(this.controlId, (ev) => {
      const size = eventFrameSize(ev);
      if (used + size > batch.length) flush();
      if (size > batch.length) this.write(bigFrame(ev, size));
      else used += writeEventFrame(batch, used, ev);
      return !this.blocked;
    });
    flush();
    if (!this.blocked && this.deps.core.pending(this.controlId) > 0) this.scheduleDrain();
  }

  private teardown(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.helloTimer) clearTimeout(this.helloTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.pacer.close();
    this.hostDesk?.close();
    const id = this.controlId;
    this.controlId = 0;
    if (id) this.deps.core.detachControl(id);
    this.deps.onClosed(this);
  }
}
