/*
 * The host end of an ATTACHED VM's serial port: QEMU serves it (`-serial
 * unix:PATH,server=on,wait=off`, or tcp:host:port,server=on), the host connects as a client
 * and appends what arrives to the same capped SerialLog as a managed VM's. It only reads;
 * it reconnects when that QEMU restarts, and never writes to the guest.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ErrorCode } from '../../../shared/model/constants';
import type { Log } from '../../core/ports';
import { ensurePrivateDir } from '../../platform';
import { LauncherError } from './launcher-errors';
import { SerialLog } from './serial-log';

/** Where an attached VM's serial port is served: the same shape as a VNC address. */
export type SerialTarget = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** A connected (or reconnecting) serial reader and the log it feeds. */
export interface SerialClient {
  readonly log: SerialLog;
  /** Stops reading (no reconnect), closes the log and removes its files. Idempotent. */
  close(): Promise<void>;
}

/** How logs and errors name a serial target. */
export function describeSerialTarget(t: SerialTarget): string {
  return t.kind === 'unix' ? `unix:${t.path}` : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

/** Reconnect after the peer went away: 200 ms doubling to 2 s, until closed. */
const RECONNECT = { initialMs: 200, maxMs: 2000 };
/** A first connection that neither succeeds nor fails in this time is refused (a TCP black hole). */
const CONNECT_TIMEOUT_MS = 5000;

function open(target: SerialTarget): net.Socket {
  return target.kind === 'unix'
    ? net.createConnection({ path: target.path })
    : net.createConnection({ host: target.host, port: target.port });
}

/** Resolves with a connected socket, or rejects with the connection's error (or a timeout). */
function connectOnce(target: SerialTarget, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = open(target);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      s.destroy();
      reject(e);
    });
  });
}

/**
 * Connects to `target` and appends its bytes to a SerialLog at `logPath`. Rejects
 * LauncherError NOENT (no such socket) or IO (refused, unreachable) naming the target and
 * the configuration field `at`, so the VM is reported failed and no other VM is touched.
 */
export async function connectSerial(
  target: SerialTarget,
  logPath: string,
  opts: { log: Log; at: string; field?: string; capBytes?: number; connectTimeoutMs?: number },
): Promise<SerialClient> {
  const name = describeSerialTarget(target);
  let first: net.Socket;
  try {
    first = await connectOnce(target, opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LauncherError(
      'start-failed',
      code === 'ENOENT' ? ErrorCode.NOENT : ErrorCode.IO,
      `${opts.at}: cannot read the serial port at ${name}: ${code ?? (e as Error).message}` +
        ` (QEMU serves it with -serial unix:PATH,server=on,wait=off or -serial tcp:HOST:PORT,server=on,wait=off)`,
      opts.field,
    );
  }
  ensurePrivateDir(path.dirname(logPath));
  // A stale log of an earlier attachment is not this one's output.
  fs.rmSync(logPath, { force: true });
  fs.rmSync(`${logPath}.1`, { force: true });
  const log = new SerialLog(logPath, opts.capBytes);
  let closed = false;
  let socket: net.Socket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = RECONNECT.initialMs;

  const adopt = (s: net.Socket): void => {
    socket = s;
    delay = RECONNECT.initialMs;
    s.on('data', (chunk: Buffer) => {
      try {
        log.append(chunk);
      } catch {
        // The runtime directory vanished or is full: the guest keeps running, only the log stops.
        s.pause();
      }
    });
    s.on('error', () => s.destroy());
    s.on('close', () => {
      socket = null;
      if (closed) return;
      opts.log('info', `serial ${name}: the peer closed; reconnecting`);
      retry();
    });
  };
  const retry = (): void => {
    timer = setTimeout(() => {
      connectOnce(target, CONNECT_TIMEOUT_MS).then(
        (s) => (closed ? s.destroy() : adopt(s)),
        () => {
          if (closed) return;
          delay = Math.min(delay * 2, RECONNECT.maxMs);
          retry();
        },
      );
    }, delay);
  };
  adopt(first);

  let closing: Promise<void> | undefined;
  return {
    log,
    close() {
      closing ??= (async () => {
        closed = true;
        clearTimeout(timer);
        socket?.destroy();
        log.close();
        fs.rmSync(logPath, { force: true });
        fs.rmSync(`${logPath}.1`, { force: true });
      })();
      return closing;
    },
  };
}
