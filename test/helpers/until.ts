/* Polling for tests: wait until a condition holds, or fail saying what was awaited. */

/** Resolves once `check()` is true; rejects after `timeoutMs` naming `what`. */
export async function until(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
