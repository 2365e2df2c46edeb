/*
 * The e2e suite: the specs in e2e/specs against real hosts and real QEMU, in Debian's
 * Chromium (projects `chromium-parallel` and `chromium`, headless host) and in the Electron
 * shell (project `electron`, skipped with its reason where the Electron binary is missing).
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/harness/browser';
import { electronBinary } from './e2e/harness/electron-host';
import type { Shell } from './e2e/harness/fixtures';

const electron = electronBinary();
/** Specs that assert a wall-clock deadline (seam down, fleet host gone, lease freed: within 2 s). */
const TIMED = ['**/seam.spec.ts', '**/fleet.spec.ts'];
// Said once, by the runner (workers load this file too), so the skips carry their reason.
if ('missing' in electron && !process.env.TEST_WORKER_INDEX)
  process.stdout.write(`[e2e] the electron project is skipped: ${electron.missing}\n`);

export default defineConfig<{ shell: Shell }>({
  testDir: 'e2e/specs',
  outputDir: 'test-results/e2e',
  globalSetup: './e2e/harness/global-setup.ts',
  // Two workers, each with its own host and guest (a worker-scoped pool): most specs wait on a
  // guest under TCG (one QEMU thread per vCPU) or on Chromium, so a second spec file fills
  // the other core; the two Debian boots, minutes each, overlap the rest. Tests of a file stay
  // in order on one worker (they share its host). Specs that assert a wall-clock deadline run
  // alone afterwards (TIMED): on 2 cores, a Debian boot beside them is load the deadline was
  // not written for.
  workers: 2,
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
    { name: 'chromium-parallel', use: { shell: 'web' }, testIgnore: TIMED },
    // `chromium` is the TIMED specs, alone, after the others (`--project chromium` runs both:
    // a project's dependencies run first; Playwright skips it when they failed).
    {
      name: 'chromium',
      use: { shell: 'web' },
      testMatch: TIMED,
      workers: 1,
      dependencies: ['chromium-parallel'],
    },
    // Not measured beside the Chromium runs (no Electron binary here): alone and one file at a
    // time, after them, as before (`--project electron --no-deps` runs it by itself).
    { name: 'electron', use: { shell: 'electron' }, workers: 1, dependencies: ['chromium'] },
  ],
});
