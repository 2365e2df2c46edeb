/*
 * The input latency bench's pages driven by Playwright instead (VMSIG_BENCH_DRIVER=playwright),
 * behind the same RawPage interface: to show in one's own runs what Playwright's
 * instrumentation (Network enabled, every WebSocket frame reported) adds to a key's trip.
 */
import type { RawPage } from './raw-cdp';
import { launchBrowser } from '../../e2e/harness/browser';

/** Launches Chromium through Playwright; pages answer the RawPage interface. */
export async function launchPlaywrightChromium(): Promise<{
  newPage(url: string): Promise<RawPage>;
  close(): Promise<void>;
}> {
  const browser = await launchBrowser();
  return {
    close: () => browser.close(),
    async newPage(url) {
      const p = await browser.context.newPage();
      await p.goto(url);
      const cdp = await p.context().newCDPSession(p);
      const page: RawPage = {
        send: (method, params) => cdp.send(method as never, params as never) as never,
        evaluate: (expression) => p.evaluate(expression),
        waitFor: async (expression, timeout = 20_000) =>
          void (await p.waitForFunction(expression, null, { timeout })),
        async click(selector) {
          await p.locator(selector).first().click();
        },
        keyA: (down) => (down ? p.keyboard.down('KeyA') : p.keyboard.up('KeyA')),
        next: (method) => new Promise((r) => cdp.once(method as never, r as never)),
        front: () => p.bringToFront(),
      };
      return page;
    },
  };
}
