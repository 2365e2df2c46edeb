/*
 * A scripted fake QMP server on a Unix socket, for unit tests of faults real QEMU will not
 * produce on demand (garbage, oversize lines, silence, closing mid-reply). Everything QEMU
 * does produce is tested against real QEMU instead; never grow this into a QEMU emulator.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A command as the fake received it. */
export interface FakeCommand {
  execute: string;
  arguments?: Record<string, unknown>;
  id?: unknown;
}

/** Decides how the fake answers one command; the default replies `{"return": {}}`. */
export type FakeScript = (cmd: FakeCommand, conn: FakeConnection) => void;

/** One accepted client connection. */
export class FakeConnection {
  constructor(readonly socket: net.Socket) {}

  /** Writes a raw line (a newline is appended). */
  sendLine(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Replies to `cmd` with `value`. */
  reply(cmd: FakeCommand, value: unknown = {}): void {
    this.sendLine(JSON.stringify({ return: value, id: cmd.id }));
  }

  /** Sends an event. */
  event(name: string, data?: Record<string, unknown>): void {
    this.sendLine(JSON.stringify({ event: name, data, timestamp: { seconds: 0, microseconds: 0 } }));
  }
}

const GREETING = JSON.stringify({
  QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 }, package: 'fake' }, capabilities: ['oob'] },
});

/** The fake server; `script` may be replaced at any time. */
export class FakeQmpServer {
  script: FakeScript = (cmd, conn) => conn.reply(cmd);
  readonly received: FakeCommand[] = [];
  readonly connections: FakeConnection[] = [];
  private server: net.Server | undefined;

  private constructor(readonly path: string) {}

  /** Starts listening on a fresh socket path under os.tmpdir(). */
  static async start(): Promise<FakeQmpServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fakeqmp-'));
    const fake = new FakeQmpServer(path.join(dir, 'qmp.sock'));
    await fake.listen();
    return fake;
  }

  /** The newest connection (throws when none). */
  get current(): FakeConnection {
    const c = this.connections.at(-1);
    if (!c) throw new Error('fake QMP: no connection yet');
    return c;
  }

  /** (Re)starts the listener on the same path. */
  async listen(): Promise<void> {
    fs.rmSync(this.path, { force: true });
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.path, resolve));
  }

  /** Stops listening and drops every connection; the socket path disappears. */
  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(this.path, { force: true });
  }

  /** Stops and removes the temporary directory. */
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(path.dirname(this.path), { recursive: true, force: true });
  }

  private accept(socket: net.Socket): void {
    const conn = new FakeConnection(socket);
    this.connections.push(conn);
    socket.on('error', () => {});
    conn.sendLine(GREETING);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const cmd = JSON.parse(line) as FakeCommand;
        this.received.push(cmd);
        if (cmd.execute === 'qmp_capabilities') conn.reply(cmd);
        else this.script(cmd, conn);
      }
    });
  }
}
