/* Polling for tests: wait until a condition holds, or fail saying what was awaited. */
import { readFileSync } from 'node:fs';

/**
 * Resolves once `check()` is true (it may be async, e.g. a CLI run); rejects after
 * `timeoutMs` naming `what`. `everyMs` spaces the checks: a slow check (a file read, a
 * process start) wants a longer pause than an in-memory flag.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  what = 'condition',
  everyMs = 5,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves once `file` exists and contains `marker` (a guest's serial log, a host's log). */
export function untilFileHas(file: string, marker: string, timeoutMs: number): Promise<void> {
  return until(() => fileHas(file, marker), timeoutMs, `"${marker}" in ${file}`, 100);
}

function fileHas(file: string, marker: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes(marker);
  } catch {
    return false; // not written yet
  }
}
