/*
 * The e2e suite: the specs in e2e/specs against real hosts and real QEMU, in Debian's
 * Chromium (project `chromium`, headless host) and in the Electron shell (project
 * `electron`, skipped with its reason where the Electron binary is missing).
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/harness/browser';
import { electronBinary } from './e2e/harness/electron-host';
import type { Shell } from './e2e/harness/fixtures';

const electron = electronBinary();
// Said once, by the runner (workers load this file too), so the skips carry their reason.
if ('missing' in electron && !process.env.TEST_WORKER_INDEX)
  process.stdout.write(`[e2e] the electron project is skipped: ${electron.missing}\n`);

export default defineConfig<{ shell: Shell }>({
  testDir: 'e2e/specs',
  outputDir: 'test-results/e2e',
  globalSetup: './e2e/harness/global-setup.ts',
  // One worker: each boots its own QEMU guest, and the machine has 2 cores for everything.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // CI runs on a shared 2-core machine under TCG, where a boot or a redraw can miss a
  // deadline once; a retry there runs on a freshly booted host and Playwright reports the
  // test as "flaky" (never as a plain pass), so a real regression still shows. Locally a
  // failure must fail at once.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 900 },
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'chromium', use: { shell: 'web' } },
    { name: 'electron', use: { shell: 'electron' } },
  ],
});
