/*
 * A real nats-server (Debian's) for fleet tests: config file in a temp dir, loopback, a
 * random free port, users with passwords or nkeys and per-user subject permissions as
 * docs/fleet.md §3 prescribes. Started and stopped by PID; `restart` comes back on the same port.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { type NatsConnection, connect, nkeys } from '@nats-io/transport-node';

/** The nats-server binary, or null when it is not installed. */
export function natsServerBin(): string | null {
  for (const p of ['/usr/sbin/nats-server', '/usr/bin/nats-server']) if (fs.existsSync(p)) return p;
  try {
    return execFileSync('which', ['nats-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** How a NATS user proves who it is: a password, or the public key of its nkey (`nkeyPair`). */
export type NatsSecret = string | { nkey: string };

function credentials(name: string, secret: NatsSecret): string {
  return typeof secret === 'string' ? `user: "${name}", password: "${secret}"` : `nkey: "${secret.nkey}"`;
}

/** A host's NATS user: may serve sessions and state requests and publish its own subjects only. */
export function hostUser(host: string, secret: NatsSecret): string {
  const inbound = [
    ...['open', 'in', 'hb', 'fin'].map((v) => `"vmsig.${host}.s.*.*.${v}"`),
    `"vmsig.${host}.state"`,
  ].join(', ');
  return `{ ${credentials(`host-${host}`, secret)}, permissions: { publish: { allow: ["vmsig.${host}.>"] }, subscribe: { allow: [${inbound}] }, allow_responses: true } }`;
}

/** A client's NATS user: may speak only on its own session subjects, read the fleet feed and ask a host's state. */
export function clientUser(user: string, secret: NatsSecret): string {
  return `{ ${credentials(user, secret)}, permissions: { publish: { allow: ["vmsig.*.s.${user}.>", "vmsig.*.state"] }, subscribe: { allow: ["vmsig.*.s.${user}.*.out", "vmsig.*.s.${user}.*.fin", "_INBOX_${user}.>", "vmsig.*.evt.>", "vmsig.*.up"] } } }`;
}

/** A fresh nkey user pair: the public key for the server's config, the seed for the client's file. */
export function nkeyPair(): { nkey: string; seed: string } {
  const kp = nkeys.createUser();
  return { nkey: kp.getPublicKey(), seed: new TextDecoder().decode(kp.getSeed()) };
}

/**
 * A plain NATS connection as client `user` (its replies in its own inbox, as its permissions
 * demand); `reconnectForever` keeps it (and its subscriptions) across a server restart.
 */
export function natsClient(
  url: string,
  user: string,
  pass: string,
  o: { reconnectForever?: boolean } = {},
): Promise<NatsConnection> {
  const again = o.reconnectForever ? { maxReconnectAttempts: -1, reconnectTimeWait: 250 } : {};
  return connect({ servers: url, user, pass, inboxPrefix: `_INBOX_${user}`, ...again });
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A running (or stopped, between `stop` and `restart`) nats-server. */
export class NatsServer {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly conf: string,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Writes `dir/nats.conf` with `users` (entries from hostUser/clientUser) and starts the server. */
  static async start(dir: string, users: string[], authorization = true): Promise<NatsServer> {
    const bin = natsServerBin();
    if (!bin) throw new Error('nats-server is not installed');
    const port = await freePort();
    const conf = path.join(dir, 'nats.conf');
    const auth = authorization ? `authorization {\n  users = [\n    ${users.join('\n    ')}\n  ]\n}\n` : '';
    fs.writeFileSync(conf, `listen: 127.0.0.1:${port}\nmax_payload: 1048576\n${auth}`, { mode: 0o600 });
    const s = new NatsServer(port, conf, bin);
    await s.restart();
    return s;
  }

  /** Starts the server again (same port, same config); resolves once it accepts clients. */
  async restart(): Promise<void> {
    const child = spawn(this.bin, ['-c', this.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`nats-server not ready in 10 s:\n${log}`)), 10_000);
      child.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('Server is ready')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`nats-server exited ${code}:\n${log}`));
      });
    });
  }

  /** Stops the server by its PID and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    process.kill(child.pid!, 'SIGTERM');
    const t = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}
