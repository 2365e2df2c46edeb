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
/**
 * Specs that run alone, after the others: those that assert a wall-clock deadline (seam down,
 * fleet host gone, lease freed: within 2 s), and those that type on the tiny guest's screen
 * key by key. A guest whose key-up comes more than its 250 ms repeat delay after the key-down
 * types the key again: on this machine loaded past its cores (load 12) that turned
 * "/dev/ttyS0" into "///…/deev/ttySSS0" and the marker never came, with one worker (macros,
 * send-key) and more often with two (held-keys, send-key-menu too). The Debian specs type
 * too, but log in with a second round for exactly that, and are the long boots the other
 * worker must overlap.
 */
const ALONE = [
  'seam',
  'fleet',
  'attached-form',
  'capture',
  'held-keys',
  'input',
  'macros',
  'paste',
  'send-key',
  'send-key-menu',
].map((spec) => `**/${spec}.spec.ts`);
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
  // in order on one worker (they share its host). The ALONE specs run afterwards, one file at
  // a time, as the whole suite did before.
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
    { name: 'chromium-parallel', use: { shell: 'web' }, testIgnore: ALONE },
    // `chromium` is the ALONE specs, one at a time, after the others (`--project chromium` runs
    // both: a project's dependencies run first; Playwright skips it when one of them failed,
    // and a test that passed on CI's retry counts as passed).
    {
      name: 'chromium',
      use: { shell: 'web' },
      testMatch: ALONE,
      workers: 1,
      dependencies: ['chromium-parallel'],
    },
    // Not measured beside the Chromium runs (no Electron binary here): alone and one file at a
    // time, after them, as before (`--project electron --no-deps` runs it by itself).
    { name: 'electron', use: { shell: 'electron' }, workers: 1, dependencies: ['chromium'] },
  ],
});
