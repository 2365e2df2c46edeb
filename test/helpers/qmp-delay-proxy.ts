/*
 * A Unix-socket proxy in front of a real QEMU's QMP socket that holds back every line QEMU
 * sends (greeting, replies, events) by a settable delay, in order: a host that is behind
 * (a loaded machine, a TCG main loop) on demand. What the client sends goes through at once.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The proxy: point the client at `path`; `delayMs` may change at any time. */
export class QmpDelayProxy {
  /** How long each line from QEMU is held back before the client gets it. */
  delayMs = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly path: string,
    private readonly server: net.Server,
  ) {}

  /** Listens on a fresh socket under os.tmpdir(), forwarding each connection to `qmpPath`. */
  static async start(qmpPath: string): Promise<QmpDelayProxy> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-qmpdelay-'));
    const server = net.createServer();
    const proxy = new QmpDelayProxy(path.join(dir, 'qmp.sock'), server);
    server.on('connection', (client) => proxy.accept(client, qmpPath));
    await new Promise<void>((resolve) => server.listen(proxy.path, resolve));
    return proxy;
  }

  /** Closes every connection and the listener, and removes the socket's directory. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(path.dirname(this.path), { recursive: true, force: true });
  }

  private accept(client: net.Socket, qmpPath: string): void {
    const qemu = net.connect(qmpPath);
    this.sockets.add(client).add(qemu);
    // Lines leave in arrival order even when delayMs shrinks between two of them.
    let notBefore = 0;
    let partial = '';
    qemu.on('data', (chunk) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        notBefore = Math.max(notBefore, Date.now() + this.delayMs);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!client.destroyed) client.write(`${line}\n`);
        }, notBefore - Date.now());
        this.timers.add(timer);
      }
    });
    client.on('data', (chunk) => qemu.write(chunk));
    const close = (): void => {
      client.destroy();
      qemu.destroy();
      this.sockets.delete(client);
      this.sockets.delete(qemu);
    };
    client.on('close', close).on('error', close);
    qemu.on('close', close).on('error', close);
  }
}
