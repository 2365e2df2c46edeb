/*
 * A VM's serial output: appended by the host's serial reader (serial-socket.ts) to a file
 * capped on disk (two segments, `vm<id>.serial` and `.serial.1`, so a chatty guest cannot
 * fill the runtime directory), pushed live to subscribers, and searched for markers.
 * Offsets are logical: bytes since the VM started, unaffected by rotation.
 */
import fs from 'node:fs';
import { ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

/** A marker found in the serial log: the matched line and the byte offset after it. */
export interface SerialMatch {
  line: string;
  end: number;
}

/** Default on-disk cap of one VM's serial log (both segments together). */
export const SERIAL_CAP_BYTES = 4 * 1024 * 1024;

/** The serial log of one VM. */
export class SerialLog {
  /** Logical offset of the first byte of the current segment and of the previous one. */
  private base = 0;
  private previousBase = 0;
  private fd: number | null = null;
  private readonly listeners = new Set<(chunk: Buffer) => void>();

  /** `capBytes` bounds both segments together; the oldest half goes first. */
  constructor(
    readonly path: string,
    private readonly capBytes = SERIAL_CAP_BYTES,
  ) {}

  /** The previous segment's file, kept until the next rotation. */
  get previousPath(): string {
    return `${this.path}.1`;
  }

  /** Appends what the guest wrote, rotating first when the current segment would pass half the cap. */
  append(chunk: Buffer): void {
    const current = this.fileSize(this.path);
    if (current > 0 && current + chunk.length > this.capBytes / 2) {
      this.closeFile();
      fs.renameSync(this.path, this.previousPath);
      this.previousBase = this.base;
      this.base += current;
    }
    // A single chunk larger than a segment keeps only its tail.
    const kept = chunk.length > this.capBytes / 2 ? chunk.subarray(chunk.length - this.capBytes / 2) : chunk;
    this.base += chunk.length - kept.length;
    const c = fs.constants;
    // O_NOFOLLOW: a link planted at the log's name is refused, never written through.
    this.fd ??= fs.openSync(this.path, c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOFOLLOW, 0o600);
    fs.writeSync(this.fd, kept);
    for (const l of this.listeners) {
      try {
        l(chunk);
      } catch {
        // A broken subscriber (a closed window) must not stop the log or the others.
      }
    }
  }

  /** Calls `listener` with every chunk appended from now on; returns the disposer. */
  onData(listener: (chunk: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes the file (the launcher removes it); later appends reopen it. */
  close(): void {
    this.closeFile();
    this.listeners.clear();
  }

  /** What the guest wrote after logical byte `since`, as far as the capped files still hold it. */
  bytes(since = 0): Buffer {
    const current = this.read(this.path);
    if (since >= this.base) return current.subarray(since - this.base);
    const previous = this.read(this.previousPath);
    const from = Math.max(0, since - this.previousBase);
    return Buffer.concat([previous.subarray(Math.min(from, previous.length)), current]);
  }

  /** bytes(since) as UTF-8 text (empty when nothing was written yet). */
  text(since = 0): string {
    return this.bytes(since).toString('utf8');
  }

  /** Logical size in bytes: pass it as `since` to wait only for output written later. */
  size(): number {
    return this.base + this.fileSize(this.path);
  }

  /**
   * Resolves with the first complete line after byte `since` that contains `marker` (or
   * matches it); rejects LauncherError TIMEOUT quoting the log's tail after `timeoutMs`,
   * or early when `abort` resolves (e.g. the VM exited). `prompt: true` also matches the
   * unfinished last line, for prompts that wait for input without a newline (`login: `).
   */
  waitFor(
    marker: string | RegExp,
    options: {
      timeoutMs?: number;
      since?: number;
      pollMs?: number;
      abort?: Promise<unknown>;
      prompt?: boolean;
    } = {},
  ): Promise<SerialMatch> {
    const { timeoutMs = 30_000, since = 0, pollMs = 25 } = options;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      let stopped = false;
      const matches = (line: string): boolean =>
        typeof marker === 'string' ? line.includes(marker) : marker.test(line);
      const check = (): SerialMatch | undefined => {
        // Output rotated away is gone; count offsets from the oldest byte still held.
        const from = Math.max(since, this.base - this.fileSize(this.previousPath));
        const tail = this.bytes(from);
        let offset = from;
        let lineStart = 0;
        for (let nl = tail.indexOf(10); nl >= 0; nl = tail.indexOf(10, lineStart)) {
          const line = tail.subarray(lineStart, nl).toString('utf8');
          offset += nl + 1 - lineStart;
          lineStart = nl + 1;
          if (matches(line)) return { line: line.replace(/\r$/, ''), end: offset };
        }
        const rest = tail.subarray(lineStart).toString('utf8');
        if (options.prompt && matches(rest)) return { line: rest, end: offset + tail.length - lineStart };
        return undefined;
      };
      const fail = (why: string): void => {
        stopped = true;
        const tail = this.text(Math.max(0, this.size() - 400)).trim();
        reject(
          new LauncherError(
            'start-failed',
            ErrorCode.TIMEOUT,
            `serial marker ${String(marker)} ${why}; serial tail: ${tail || '(empty)'}`,
          ),
        );
      };
      options.abort?.then(
        () => !stopped && fail('never came: the VM exited'),
        () => {},
      );
      const tick = (): void => {
        if (stopped) return;
        const found = check();
        if (found) {
          stopped = true;
          resolve(found);
        } else if (Date.now() - started >= timeoutMs) fail(`not seen within ${timeoutMs} ms`);
        else setTimeout(tick, pollMs);
      };
      tick();
    });
  }

  private closeFile(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private read(file: string): Buffer {
    try {
      return fs.readFileSync(file);
    } catch {
      return Buffer.alloc(0);
    }
  }

  private fileSize(file: string): number {
    try {
      return fs.statSync(file).size;
    } catch {
      return 0;
    }
  }
}
