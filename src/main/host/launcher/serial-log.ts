/*
 * Reads a VM's serial output from the file QEMU appends to, and waits for markers in it.
 * It only reads; QEMU owns the file and the launcher removes it.
 */
import fs from 'node:fs';
import { ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

/** A marker found in the serial log: the matched line and the byte offset after it. */
export interface SerialMatch {
  line: string;
  end: number;
}

/** The serial log of one VM. */
export class SerialLog {
  constructor(readonly path: string) {}

  /** What the guest wrote after byte `since` (empty when the file does not exist yet). */
  text(since = 0): string {
    try {
      return fs.readFileSync(this.path).subarray(since).toString('utf8');
    } catch {
      return '';
    }
  }

  /** Current size in bytes: pass it as `since` to wait only for output written later. */
  size(): number {
    try {
      return fs.statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  /**
   * Resolves with the first complete line after byte `since` that contains `marker` (or
   * matches it); rejects LauncherError TIMEOUT quoting the log's tail after `timeoutMs`,
   * or early when `abort` resolves (e.g. the VM exited).
   */
  waitFor(
    marker: string | RegExp,
    options: { timeoutMs?: number; since?: number; pollMs?: number; abort?: Promise<unknown> } = {},
  ): Promise<SerialMatch> {
    const { timeoutMs = 30_000, since = 0, pollMs = 25 } = options;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      let stopped = false;
      const check = (): SerialMatch | undefined => {
        const tail = this.text(since);
        let offset = since;
        for (const line of tail.split('\n').slice(0, -1)) {
          offset += Buffer.byteLength(line, 'utf8') + 1;
          if (typeof marker === 'string' ? line.includes(marker) : marker.test(line))
            return { line: line.replace(/\r$/, ''), end: offset };
        }
        return undefined;
      };
      const fail = (why: string): void => {
        stopped = true;
        const tail = this.text().slice(-400).trim();
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
}
