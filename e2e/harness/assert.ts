/* Waiting assertions for specs (playwright-core has no expect): poll until true or fail with a message. */
import type { Locator } from 'playwright-core';

/** Polls `probe` until it returns true; throws `what` after `ms`. */
export async function eventually(
  what: string,
  probe: () => Promise<boolean> | boolean,
  ms = 10_000,
): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return;
    if (Date.now() - start > ms) throw new Error(`not true after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the locator's text contains `text`. */
export async function hasText(loc: Locator, text: string | RegExp, ms = 10_000): Promise<void> {
  await eventually(
    `text ${String(text)} in ${loc.toString()}`,
    async () => {
      const t = (await loc.allTextContents()).join(' ');
      return typeof text === 'string' ? t.includes(text) : text.test(t);
    },
    ms,
  );
}
