/*
 * The control socket server (§1): listens on a Unix socket (directory 0700, socket 0600),
 * hands each accepted peer to a Connection, and on stop closes every control with ERROR
 * SHUTDOWN and removes the socket file. It holds no protocol logic of its own.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { Clock, Core, Log } from '../core';
import { ErrorCode } from '../../shared/model';
import type { Authenticator } from './auth';
import { Connection } from './connection';
import { DEFAULT_MAX_FRAME, FRAME_DEADLINE_MS, HELLO_TIMEOUT_MS } from './frame-header';
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
}

/** A listening control socket. Create with `ControlServer.start`. */
export class ControlServer {
  private readonly conns = new Set<Connection>();
  private stopped = false;

  private server: net.Server | null = null;

  private constructor(
    /** The socket path clients connect to. */
    readonly socketPath: string,
    private readonly log: Log,
  ) {}

  /**
   * Prepares the path (stale socket replaced), listens, and sets mode 0600. Throws
   * VmsigError BUSY when another server is live on the path.
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
      onClosed: (c: Connection) => self.conns.delete(c),
    };
    const server = net.createServer((socket) => {
      if (self.stopped) {
        socket.destroy();
        return;
      }
      self.conns.add(new Connection(socket, deps));
    });
    self.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The directory is 0700 already; the socket itself is narrowed to the user too.
    fs.chmodSync(opts.socketPath, 0o600);
    server.on('error', (e) => opts.log('error', `control server: ${e.message}`));
    opts.log('info', `control socket listening on ${opts.socketPath}`);
    return self;
  }

  /** Connections currently open (handshaken or not). */
  get connectionCount(): number {
    return this.conns.size;
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
