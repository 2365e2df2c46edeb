/*
 * One remote client's session on this host: the wire layer's own Connection over a
 * SubjectStream, with the control mapped from the NATS user (never from HELLO's token),
 * and a heartbeat deadline. A session not heard from for `timeoutMs` is closed, which
 * detaches its control and so revokes its leases, as a dead socket client's are.
 */
import type net from 'node:net';
import type { Clock, ControlSpec, Core, Log } from '../core';
import { ErrorCode } from '../../shared/model';
import { DEFAULT_MAX_FRAME, FRAME_DEADLINE_MS, HELLO_TIMEOUT_MS, type HostRequestHandler } from '../wire';
import { Connection } from '../wire/connection';
import { type Publish, SubjectStream } from './subject-stream';

/** What a session needs from its bridge. */
export interface HostSessionDeps {
  core: Core;
  clock: Clock;
  log: Log;
  hostRequests?: HostRequestHandler;
  /** Monotonic milliseconds. */
  now(): number;
}

/** A remote client's session, from `open` to close. */
export class HostSession {
  readonly stream: SubjectStream;
  private readonly conn: Connection;
  private lastHeard: number;
  private ended = false;
  private readonly now: () => number;

  constructor(
    readonly user: string,
    readonly sid: string,
    spec: ControlSpec,
    deps: HostSessionDeps,
    publishOut: Publish,
    /** Called once when the session ends, whatever ended it. */
    onEnd: (s: HostSession) => void,
  ) {
    this.now = deps.now;
    this.lastHeard = deps.now();
    this.stream = new SubjectStream(publishOut, () => {
      this.ended = true;
      onEnd(this);
    });
    // The identity is the NATS user's mapped control; the name says it came over the bus.
    const named: ControlSpec = { ...spec, name: `${spec.name}@nats:${user}`, inProcess: false };
    this.conn = new Connection(this.stream as unknown as net.Socket, {
      core: deps.core,
      clock: deps.clock,
      log: deps.log,
      authenticate: () => named,
      maxFrame: DEFAULT_MAX_FRAME,
      helloTimeoutMs: HELLO_TIMEOUT_MS,
      frameDeadlineMs: FRAME_DEADLINE_MS,
      hostRequests: deps.hostRequests,
      onClosed: () => {},
    });
  }

  /** Bytes from the client (`in`); any message also counts as a heartbeat. */
  deliver(data: Uint8Array): void {
    this.heard();
    this.stream.deliver(data);
  }

  /** A heartbeat (`hb`). */
  heard(): void {
    this.lastHeard = this.now();
  }

  /** Whether the client has been silent longer than `timeoutMs`. */
  silentFor(timeoutMs: number): boolean {
    return this.now() - this.lastHeard > timeoutMs;
  }

  /** Closes at once (client `fin`, heartbeat lost): the control is detached, its leases revoked. */
  drop(): void {
    if (!this.ended) this.stream.destroy();
  }

  /** Closes with an ERROR frame first (host shutting down). */
  fail(code: number = ErrorCode.SHUTDOWN, msg = 'host shutting down'): void {
    this.conn.fail(code, msg);
    this.drop();
  }
}
