/*
 * One writer per journal directory, held by the kernel rather than by a PID in a file: the
 * holder listens on a Unix socket named after a secret kept in the (private) directory, so
 * the lock is released the instant its holder dies, however it dies, and a PID that now
 * belongs to someone else means nothing. A live lock is never stolen: two hosts appending
 * to one segment would interleave their records.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ErrorCode, VmsigError } from '../../../shared/model';
import { createPrivateFile, ensurePrivateDir } from '../../platform';

/** A held lock; release() closes the socket (death does the same). */
export interface DirLock {
  /** Where the lock lives: the abstract socket name (Linux) or the socket file. */
  readonly name: string;
  release(): Promise<void>;
}

const KEY_FILE = 'LOCK.key';
const SOCKET_FILE = 'LOCK.sock';

/**
 * The directory's lock secret, made once: written to a temporary file and linked into
 * place, so a concurrent starter reads either nothing or the whole key, never half.
 */
function lockKey(dir: string): string {
  const file = path.join(dir, KEY_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const key = fs.readFileSync(file, 'utf8').trim();
      if (/^[0-9a-f]{32}$/.test(key)) return key;
      throw new VmsigError(ErrorCode.IO, `${file} does not hold a lock key; remove it`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const tmp = path.join(dir, `${KEY_FILE}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
    const fd = createPrivateFile(tmp);
    try {
      fs.writeSync(fd, `${crypto.randomBytes(16).toString('hex')}\n`);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  throw new VmsigError(ErrorCode.IO, `cannot create the lock key in ${dir}`);
}

function listen(name: string): Promise<net.Server | 'busy'> {
  return new Promise((resolve, reject) => {
    // A prober that connects learns only that the lock is held.
    const server = net.createServer((s) => s.destroy());
    server.once('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EADDRINUSE' ? resolve('busy') : reject(e),
    );
    server.listen(name, () => {
      server.unref();
      resolve(server);
    });
  });
}

/** Whether something accepts connections on the socket file `file` (ECONNREFUSED: a dead holder's file). */
function holderAlive(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(file);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT'));
  });
}

/**
 * Takes `dir`'s lock (creating the directory 0700, refusing one that is not private).
 * Resolves the lock, or null when a live process holds it. On Linux the socket is in the
 * abstract namespace (no file, so nothing goes stale); elsewhere it is `LOCK.sock` in
 * the directory, and a file nobody listens on (ECONNREFUSED) is a dead holder's, replaced.
 */
export async function lockJournalDir(dir: string): Promise<DirLock | null> {
  const abs = ensurePrivateDir(dir);
  const linux = process.platform === 'linux';
  const name = linux ? `\0vmsig-journal-${lockKey(abs)}` : path.join(abs, SOCKET_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    const server = await listen(name);
    if (server !== 'busy') {
      return {
        name: linux ? `@vmsig-journal-… (key in ${path.join(abs, KEY_FILE)})` : name,
        release: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
          }),
      };
    }
    if (linux || (await holderAlive(name))) return null;
    fs.rmSync(name, { force: true });
  }
  return null;
}
