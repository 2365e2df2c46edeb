/*
 * Where the control socket lives (§1) and how its place is made ready: the directory is
 * created 0700 (an existing one must be ours and private), a stale socket left by a dead
 * server is removed, a live one is refused.
 * It never removes anything that is not a socket.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, VmsigError } from '../../shared/model';
import { ensurePrivateDir } from '../platform';

/** `$XDG_RUNTIME_DIR/vmsig/control.sock`, or `/tmp/vmsig-$UID/control.sock` without XDG_RUNTIME_DIR. */
export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'vmsig', 'control.sock');
  return path.join(os.tmpdir(), `vmsig-${process.getuid?.() ?? 0}`, 'control.sock');
}

/** Resolves true when something accepts connections on the Unix socket `p`. */
export function isSocketLive(p: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(p);
    const done = (live: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(live);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Makes `p` ready for listen(): creates its directory (0700) when missing and refuses one
 * that is not private (UnsafePathError, PERM), removes a stale socket file. Throws
 * VmsigError BUSY when a server already listens there, or INVAL when a non-socket file is
 * in the way.
 */
export async function prepareSocketPath(p: string): Promise<void> {
  // A directory someone else owns or can enter would let them reach or replace the socket.
  ensurePrivateDir(path.dirname(p));
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return;
  }
  if (!st.isSocket())
    throw new VmsigError(ErrorCode.INVAL, `${p} exists and is not a socket; refusing to replace it`);
  if (await isSocketLive(p)) {
    throw new VmsigError(
      ErrorCode.BUSY,
      `another vmsig server is already listening on ${p}; stop it first or pick another socket path`,
    );
  }
  fs.unlinkSync(p);
}
