/*
 * Splits a byte stream into lines for the QMP reader, with a hard cap on line length so a
 * runaway peer cannot grow our memory without bound. It never parses JSON.
 */

/** Default cap on one QMP line: 10 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 10 * 1024 * 1024;

/** Thrown by push() when a line exceeds the cap; the splitter is unusable afterwards. */
export class LineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`line longer than ${limit} bytes`);
    this.name = 'LineTooLongError';
  }
}

/** Accumulates chunks and returns complete lines (without "\r\n" / "\n"). */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private pending = 0;

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {}

  /** Feeds a chunk; returns the lines it completed. Throws LineTooLongError past the cap. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const part = chunk.subarray(start, nl);
      this.check(this.pending + part.length);
      const whole = this.chunks.length ? Buffer.concat([...this.chunks, part]) : part;
      this.chunks = [];
      this.pending = 0;
      lines.push(whole.toString('utf8').replace(/\r$/, ''));
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.check(this.pending + rest.length);
      this.chunks.push(rest);
      this.pending += rest.length;
    }
    return lines;
  }

  /** Forgets any partial line (used when the connection is replaced). */
  reset(): void {
    this.chunks = [];
    this.pending = 0;
  }

  private check(length: number): void {
    if (length > this.maxLineBytes) {
      this.reset();
      throw new LineTooLongError(this.maxLineBytes);
    }
  }
}
