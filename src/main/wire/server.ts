/*
 * The control socket server (§1): listens on a Unix socket (directory 0700, socket 0600),
 * hands each accepted peer to a Connection up to a limit (one more gets ERROR TOO_MANY),
 * and on stop closes every control with ERROR SHUTDOWN and removes the socket file. It
 * holds no protocol logic of its own.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { Clock, Core, Log } from '../core';
import { ErrorCode, VmsigError } from '../../shared/model';
import { withUmask } from '../platform';
import type { Authenticator } from './auth';
import { Connection } from './connection';
import { encodeError } from './frame-bodies';
import {
  DEFAULT_MAX_FRAME,
  FRAME_DEADLINE_MS,
  FrameType,
  HELLO_TIMEOUT_MS,
  encodeFrame,
} from './frame-header';
import type { HostRequestHandler } from './host-frames';
import { prepareSocketPath } from './socket-path';

/** How to run a control server. */
export interface ControlServerOptions {
  core: Core;
  /** The core's clock, for WELCOME `ts_ns`. */
  clock: Clock;
  log: Log;
  socketPath: string;
  authenticate: Authenticator;
  /** Largest accepted frame body (default 1 MiB). */
  maxFrame?: number;
  /** Defaults 5 s and 10 s (§3, §2); tests shorten them. */
  helloTimeoutMs?: number;
  frameDeadlineMs?: number;
  /** Open connections at most, handshaken or not (default 64); one more gets ERROR TOO_MANY. */
  maxConnections?: number;
  /** Answers host requests (frame types 16/17, §10); absent: those frames are BAD_FRAME. */
  hostRequests?: HostRequestHandler;
}

/** Default connection limit: far above real use, low enough that descriptors and buffers stay bounded. */
export const DEFAULT_MAX_CONNECTIONS = 64;
/** How long a refused peer has to read its TOO_MANY frame before the socket is destroyed. */
const REFUSE_LINGER_MS = 1000;

/** A listening control socket. Create with `ControlServer.start`. */
export class ControlServer {
  private readonly conns = new Set<Connection>();
  private stopped = false;
  private refused = 0;

  private server: net.Server | null = null;

  private constructor(
    /** The socket path clients connect to. */
    readonly socketPath: string,
    private readonly log: Log,
  ) {}

  /**
   * Prepares the path (private directory checked, stale socket replaced) and listens with
   * the socket created 0600 from the start. Throws VmsigError BUSY when another server is
   * live on the path, UnsafePathError (PERM) when the directory is not private.
   */
  static async start(opts: ControlServerOptions): Promise<ControlServer> {
    await prepareSocketPath(opts.socketPath);
    const self = new ControlServer(opts.socketPath, opts.log);
    const deps = {
      core: opts.core,
      clock: opts.clock,
      log: opts.log,
      authenticate: opts.authenticate,
      maxFrame: opts.maxFrame ?? DEFAULT_MAX_FRAME,
      helloTimeoutMs: opts.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
      frameDeadlineMs: opts.frameDeadlineMs ?? FRAME_DEADLINE_MS,
      hostRequests: opts.hostRequests,
      onClosed: (c: Connection) => self.conns.delete(c),
    };
    const limit = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const server = net.createServer((socket) => {
      if (self.stopped) {
        socket.destroy();
        return;
      }
      if (self.conns.size >= limit) return self.refuse(socket, limit);
      self.conns.add(new Connection(socket, deps));
    });
    self.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // bind() runs inside listen() and makes the socket file under the umask: 0600 from
      // its first instant, never a window between bind and a chmod.
      withUmask(
        () =>
          server.listen(opts.socketPath, () => {
            server.off('error', reject);
            resolve();
          }),
        0o177,
      );
    });
    const mode = fs.lstatSync(opts.socketPath).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw new VmsigError(
        ErrorCode.PERM,
        `${opts.socketPath} was created mode ${mode.toString(8)}, not 0600`,
      );
    }
    server.on('error', (e) => opts.log('error', `control server: ${e.message}`));
    opts.log('info', `control socket listening on ${opts.socketPath}`);
    return self;
  }

  /** Connections currently open (handshaken or not). */
  get connectionCount(): number {
    return this.conns.size;
  }

  /** Answers a peer over the limit with ERROR TOO_MANY and closes it; it never becomes a control. */
  private refuse(socket: net.Socket, limit: number): void {
    this.refused++;
    // One line per burst, not per refused peer: a flood must not flood the log too.
    if (this.refused === 1 || this.refused % 1000 === 0)
      this.log('warn', `control socket at its limit of ${limit} connections; refused ${this.refused} so far`);
    socket.on('error', () => {});
    socket.end(
      encodeFrame(
        FrameType.ERROR,
        encodeError({ code: ErrorCode.TOO_MANY, msg: `at most ${limit} connections` }),
      ),
    );
    setTimeout(() => socket.destroy(), REFUSE_LINGER_MS).unref();
  }

  /** Closes every control (ERROR SHUTDOWN), stops listening, removes the socket file. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const c of [...this.conns]) c.fail(ErrorCode.SHUTDOWN, 'server shutting down');
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      fs.unlinkSync(this.socketPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log('warn', `could not remove ${this.socketPath}: ${String(e)}`);
    }
  }
}
