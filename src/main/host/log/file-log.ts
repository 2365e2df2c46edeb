/*
 * The shells' file log: one line per message appended to $XDG_STATE_HOME/vmsig/log/<name>.log,
 * rotated by size (<name>.log.1 … .N), so an Electron app started from a desktop menu keeps
 * its logs. Hand-written: append + rename is this whole job; pino with pino-roll would add a
 * worker-thread transport and two packages for the same lines.
 */
import fs from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Log } from '../../core';

/** The default log directory for `env`: $XDG_STATE_HOME/vmsig/log, else ~/.local/state/vmsig/log. */
export function defaultLogDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME?.startsWith('/')
    ? env.XDG_STATE_HOME
    : path.join(env.HOME || homedir(), '.local', 'state');
  return path.join(state, 'vmsig', 'log');
}

/** Options of a file log. */
export interface FileLogOptions {
  /** Which shell writes it: the file is `<name>.log` (serve, electron). */
  name: string;
  /** Directory; defaultLogDir() when absent. Created 0700 if missing. */
  dir?: string;
  /** Size at which the file is rotated; 4 MiB by default. */
  maxBytes?: number;
  /** Rotated files kept beside the live one; 3 by default. */
  keep?: number;
  /** Wall clock for the line stamps (tests pin it). */
  now?: () => Date;
  /** Where the log says, once, that it could not write its file; stderr by default. */
  onWriteError?: (e: Error) => void;
}

/** An open file log. */
export interface FileLog {
  /** Path of the live file. */
  readonly path: string;
  /** Appends `<ISO time> <level> <msg>`; never throws (see onWriteError). */
  readonly log: Log;
  /** Closes the file; later messages are dropped. */
  close(): void;
}

/**
 * Opens (creating the directory) the log file `<dir>/<name>.log` for appending.
 * Throws the fs error when the directory or file cannot be created: the caller decides
 * whether to run without a file log.
 */
export function openFileLog(opts: FileLogOptions): FileLog {
  const dir = opts.dir ?? defaultLogDir();
  const maxBytes = opts.maxBytes ?? 4 * 1024 * 1024;
  const keep = Math.max(1, opts.keep ?? 3);
  const now = opts.now ?? (() => new Date());
  const onWriteError =
    opts.onWriteError ?? ((e) => void process.stderr.write(`vmsig: the file log stopped: ${e.message}\n`));
  const file = path.join(dir, `${opts.name}.log`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let fd: number | null = fs.openSync(file, 'a', 0o600);
  let size = fs.fstatSync(fd).size;

  function rotate(): void {
    fs.closeSync(fd!);
    fd = null;
    for (let i = keep - 1; i >= 1; i--) {
      const from = `${file}.${i}`;
      if (fs.existsSync(from)) fs.renameSync(from, `${file}.${i + 1}`);
    }
    fs.renameSync(file, `${file}.1`);
    fd = fs.openSync(file, 'a', 0o600);
    size = 0;
  }

  const log: Log = (level, msg) => {
    if (fd === null) return;
    // Continuation lines are indented so every record starts with its time stamp.
    const line = Buffer.from(`${now().toISOString()} ${level} ${msg.replace(/\n/g, '\n    ')}\n`);
    try {
      if (size > 0 && size + line.length > maxBytes) rotate();
      fs.writeSync(fd!, line);
      size += line.length;
    } catch (e) {
      // A full disk or a removed directory must not take the host down: say so once, stop writing.
      const broken = fd;
      fd = null;
      try {
        if (broken !== null) fs.closeSync(broken);
      } catch {
        // The write error below is the one worth reporting; a failed close adds nothing.
      }
      onWriteError(e as Error);
    }
  };

  return {
    path: file,
    log,
    close() {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}

/** A Log that hands every message to each of `logs` in turn. */
export function teeLog(...logs: Log[]): Log {
  return (level, msg) => {
    for (const l of logs) l(level, msg);
  };
}

/**
 * openFileLog for a shell starting up: a log that cannot be opened is reported through
 * `warn` (with the reason) and the shell runs on without it (null).
 */
export function tryOpenFileLog(opts: FileLogOptions, warn: (why: string) => void): FileLog | null {
  try {
    return openFileLog(opts);
  } catch (e) {
    warn(`no file log in ${opts.dir ?? defaultLogDir()}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
