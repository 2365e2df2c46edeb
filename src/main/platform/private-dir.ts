/*
 * Directories and files only the user can reach: every directory the host keeps runtime
 * state in (control socket, VM files, journal) goes through ensurePrivateDir, which creates
 * it 0700 or refuses one that is not ours; files are created without following a planted
 * link and without reusing someone else's file. It never widens a mode or deletes anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, VmsigError } from '../../shared/model';

/** A directory or file the host refuses to use, with what is wrong and how to fix it. */
export class UnsafePathError extends VmsigError {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(ErrorCode.PERM, `refusing to use ${path}: ${why}`);
    this.name = 'UnsafePathError';
  }
}

const myUid = (): number | undefined => process.getuid?.();

function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * Whether `st` (from lstat) is a directory that only the user can enter and change: not a
 * symbolic link, owned by the user, no group or other permission bits. Returns the reason
 * it is not, or null.
 */
export function privateDirProblem(st: fs.Stats): string | null {
  if (st.isSymbolicLink()) return 'it is a symbolic link (a private directory must be a real one)';
  if (!st.isDirectory()) return 'it is not a directory';
  const uid = myUid();
  if (uid !== undefined && st.uid !== uid) return `it is owned by uid ${st.uid}, not by you (uid ${uid})`;
  if ((st.mode & 0o077) !== 0)
    return `its mode is ${modeText(st.mode)}, open to group or others (run chmod 700 on it)`;
  return null;
}

/**
 * An existing ancestor others could rename our directory out of: not ours or root's, or
 * writable by group/others without the sticky bit (/tmp has it). Returns the reason, or null.
 */
function ancestorProblem(dir: string): string | null {
  const uid = myUid();
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch {
      if (d === path.dirname(d)) return null;
      continue; // still to be created, by us
    }
    if (uid !== undefined && st.uid !== uid && st.uid !== 0)
      return `its parent ${d} is owned by uid ${st.uid}, neither you nor root`;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0)
      return `its parent ${d} (mode ${modeText(st.mode)}) is writable by others and not sticky`;
    if (d === path.dirname(d)) return null;
  }
}

/**
 * Makes sure `dir` is a private directory: creates it (and missing parents) mode 0700 when
 * missing, then checks it with lstat. Throws UnsafePathError when it exists with another
 * owner, group/other bits, as a symbolic link or a file, or sits under a parent others may
 * rewrite. Returns the absolute path.
 */
export function ensurePrivateDir(dir: string): string {
  const abs = path.resolve(dir);
  const parentWhy = ancestorProblem(abs);
  if (parentWhy) throw new UnsafePathError(abs, parentWhy);
  let created = false;
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
    fs.mkdirSync(abs, { mode: 0o700 });
    created = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new UnsafePathError(abs, `cannot create it: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // mkdir's mode passes through the umask, which can only narrow it; 0700 makes it usable.
  if (created) fs.chmodSync(abs, 0o700);
  const why = privateDirProblem(fs.lstatSync(abs));
  if (why) throw new UnsafePathError(abs, why);
  return abs;
}

/**
 * Creates `file` for writing, mode 0600: never follows a symbolic link at its name and
 * never opens a file that already exists (a planted file is refused, EEXIST). The caller
 * removes a file of its own first. Returns the descriptor; throws UnsafePathError.
 */
export function createPrivateFile(file: string): number {
  const c = fs.constants;
  try {
    return fs.openSync(file, c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new UnsafePathError(file, code === 'EEXIST' ? 'something already exists at that name' : code);
  }
}

/**
 * Runs `fn` with the process umask set to `mask` (default 077), restoring it after. For
 * files other programs create on our behalf (QEMU's sockets, RAM and log files are made
 * by its fork, which inherits the umask at spawn), and for a Unix socket's bind in
 * listen(). `fn` must be synchronous: the umask is process-wide.
 */
export function withUmask<T>(fn: () => T, mask = 0o077): T {
  const old = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(old);
  }
}
