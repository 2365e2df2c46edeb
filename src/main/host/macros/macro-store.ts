/*
 * Where macros live and how they are read and written: one file per macro, NAME.json, in a
 * private directory (0700, ours) that the console's host and the CLI both resolve the same
 * way. A file is written 0600 under a temporary name and renamed into place; a file that
 * is a link, not ours, open to group or others, or too large is refused before it is read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode } from '../../../shared/model';
import { UnsafePathError, createPrivateFile, ensurePrivateDir, privateDirProblem } from '../../platform';
import {
  MAX_FILE_BYTES,
  type Macro,
  MacroError,
  checkMacroName,
  macroDurationMs,
  parseMacro,
  serializeMacro,
} from '../../../shared/macros';

/**
 * The macro directory: `$VMSIG_MACRO_DIR`, else `$XDG_CONFIG_HOME/vmsig/macros` (else
 * `~/.config/vmsig/macros`). The same for `vmsig serve`, Electron and the CLI of one user.
 */
export function macroDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VMSIG_MACRO_DIR) return path.resolve(env.VMSIG_MACRO_DIR);
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'vmsig', 'macros');
}

/** One macro as a listing shows it. */
export interface MacroSummary {
  name: string;
  steps: number;
  durationMs: number;
}

const fileOf = (dir: string, name: string): string => path.join(dir, `${checkMacroName(name)}.json`);

/** Throws MacroError PERM when `dir` exists but is not private; false when it does not exist. */
function existingPrivateDir(dir: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch {
    return false;
  }
  const why = privateDirProblem(st);
  if (why) throw new MacroError(ErrorCode.PERM, `refusing the macro directory ${dir}: ${why}`);
  return true;
}

/** Macros saved in one directory. Every method throws MacroError (INVAL, NOENT, PERM, IO). */
export class MacroStore {
  constructor(readonly dir: string = macroDir()) {}

  /** The macros by name, with each file that cannot be used named in `errors` (never thrown). */
  list(): { macros: MacroSummary[]; errors: string[] } {
    if (!existingPrivateDir(this.dir)) return { macros: [], errors: [] };
    const macros: MacroSummary[] = [];
    const errors: string[] = [];
    for (const f of fs.readdirSync(this.dir).sort()) {
      if (!f.endsWith('.json')) continue;
      try {
        const m = this.load(f.slice(0, -5));
        macros.push({ name: m.name, steps: m.steps.length, durationMs: macroDurationMs(m) });
      } catch (e) {
        errors.push(`${f}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { macros, errors };
  }

  /** Reads macro `name`; refuses a file that is not a regular file of ours with mode 0600 or narrower. */
  load(name: string): Macro {
    const file = fileOf(this.dir, name);
    if (!existingPrivateDir(this.dir))
      throw new MacroError(ErrorCode.NOENT, `no macro "${name}" (${this.dir} does not exist)`);
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new MacroError(ErrorCode.NOENT, `no macro "${name}" in ${this.dir}`);
      if (code === 'ELOOP') throw new MacroError(ErrorCode.PERM, `refusing ${file}: it is a symbolic link`);
      throw new MacroError(ErrorCode.IO, `cannot read ${file}: ${code ?? String(e)}`);
    }
    try {
      const st = fs.fstatSync(fd);
      const uid = process.getuid?.();
      if (!st.isFile()) throw new MacroError(ErrorCode.PERM, `refusing ${file}: not a regular file`);
      if (uid !== undefined && st.uid !== uid)
        throw new MacroError(
          ErrorCode.PERM,
          `refusing ${file}: owned by uid ${st.uid}, not by you (uid ${uid})`,
        );
      if ((st.mode & 0o077) !== 0)
        throw new MacroError(
          ErrorCode.PERM,
          `refusing ${file}: mode ${(st.mode & 0o777).toString(8)} lets others read it (a macro may hold a password; chmod 600 it)`,
        );
      if (st.size > MAX_FILE_BYTES)
        throw new MacroError(ErrorCode.INVAL, `refusing ${file}: larger than ${MAX_FILE_BYTES} bytes`);
      let m: Macro;
      try {
        m = parseMacro(fs.readFileSync(fd, 'utf8'));
      } catch (e) {
        if (e instanceof MacroError) throw new MacroError(e.code, `${file}: ${e.detail}`);
        throw e;
      }
      if (m.name !== name)
        throw new MacroError(ErrorCode.INVAL, `${file} names macro "${m.name}", not "${name}"`);
      return m;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Writes `m` (replacing a macro of that name), mode 0600 in the private directory. Returns the file. */
  save(m: Macro): string {
    const text = serializeMacro(m);
    let dir: string;
    try {
      dir = ensurePrivateDir(this.dir);
    } catch (e) {
      if (e instanceof UnsafePathError) throw new MacroError(ErrorCode.PERM, e.message);
      throw e;
    }
    const file = fileOf(dir, m.name);
    const tmp = path.join(dir, `.${m.name}.${process.pid}.tmp`);
    fs.rmSync(tmp, { force: true });
    let fd: number;
    try {
      fd = createPrivateFile(tmp);
    } catch (e) {
      if (e instanceof UnsafePathError) throw new MacroError(ErrorCode.PERM, e.message);
      throw e;
    }
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return file;
  }
}
