/*
 * The specs' Playwright fixtures: the shell under test (headless host in Chromium, or the
 * Electron app), one booted host per worker shared by tests that leave it intact, a fresh
 * console per test, extra consoles a spec opens, and named screenshots. Specs import
 * `test` and `expect` from here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import type { ConsolePage } from '../pages/console-page';
import { electronBinary, startElectronConsole, startElectronHost } from './electron-host';
import { startBareHost, writeBareConfig } from './extra-hosts';
import { type RunningHost, openWebConsole, startHost } from './host';
import { HostPool } from './host-pool';

export { expect };

/** Which shell the project runs the specs in. */
export type Shell = 'web' | 'electron';

/** The worker's host as a test sees it. */
export interface TestHost extends RunningHost {
  /** Says this test resets or restarts the guest: the next test waits until it is ready again. */
  rebooting(): void;
  /** Says this test breaks the host (e.g. kills QEMU): the next test gets a freshly booted one. */
  spoil(): void;
}

interface WorkerFixtures {
  shell: Shell;
  hosts: HostPool;
}

interface TestFixtures {
  electronGate: void;
  host: TestHost;
  ui: ConsolePage;
  /** Another console on the test's host (web: a new tab with `params` in its URL). */
  openConsole(params?: Record<string, string>): Promise<ConsolePage>;
  /** A console on a second host with no VMs, started with `env` over the environment. */
  bareConsole(env: NodeJS.ProcessEnv): Promise<ConsolePage>;
  /** Saves a screenshot of `page` as `<name>.png` in the test's output folder, attached to the report. */
  shot(page: Page, name: string): Promise<void>;
}

/** Every text the locator's elements contain, joined: for expect.poll over several rows. */
export const joinedText = (loc: Locator) => async (): Promise<string> =>
  (await loc.allTextContents()).join(' ');

export const test = base.extend<TestFixtures, WorkerFixtures>({
  shell: ['web', { option: true, scope: 'worker' }],

  hosts: [
    async ({ shell }, use) => {
      const pool = new HostPool(shell === 'electron' ? startElectronHost : startHost);
      await use(pool);
      await pool.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  // Runs before anything else is set up, so a missing Electron costs nothing and says why.
  electronGate: [
    async ({ shell }, use, testInfo) => {
      if (shell === 'electron') {
        const found = electronBinary();
        testInfo.skip('missing' in found, 'missing' in found ? `electron project: ${found.missing}` : '');
      }
      await use();
    },
    { auto: true },
  ],

  // Booting a guest under TCG on a loaded machine can take a minute: its own timeout.
  host: [
    async ({ hosts }, use, testInfo) => {
      const host = await hosts.acquire();
      await use({ ...host, rebooting: () => hosts.rebooting(), spoil: () => hosts.spoil() });
      if (testInfo.status !== testInfo.expectedStatus) {
        hosts.spoil();
        await testInfo.attach('host log', { body: host.log(), contentType: 'text/plain' });
      }
    },
    { timeout: 180_000 },
  ],

  ui: async ({ host, context }, use, testInfo) => {
    const session = await host.openConsole(() => context.newPage());
    await use(session.ui);
    await session.close(testInfo);
  },

  // The specs' `page` is the console's page, in either shell.
  page: async ({ ui }, use) => {
    await use(ui.page);
  },

  openConsole: async ({ host, context }, use, testInfo) => {
    const sessions: Awaited<ReturnType<RunningHost['openConsole']>>[] = [];
    await use(async (params) => {
      const session = await host.openConsole(() => context.newPage(), params);
      sessions.push(session);
      return session.ui;
    });
    for (const s of sessions) await s.close(testInfo);
  },

  bareConsole: async ({ shell, context }, use, testInfo) => {
    const stops: (() => Promise<void>)[] = [];
    await use(async (env) => {
      if (shell === 'web') {
        const bare = await startBareHost(env);
        stops.push(bare.stop);
        const session = await openWebConsole(() => context.newPage(), bare.url);
        stops.push(() => session.close(testInfo));
        return session.ui;
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-bare-'));
      stops.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      const app = await startElectronConsole(writeBareConfig(dir), env);
      stops.push(app.stop);
      return app.ui;
    });
    // Last started, first stopped: the tab closes before its host goes.
    for (const stop of stops.reverse()) await stop();
  },

  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  shot: async ({}, use, testInfo) => {
    await use(async (page, name) => {
      const file = testInfo.outputPath(`${name}.png`);
      await page.screenshot({ path: file });
      await testInfo.attach(name, { path: file, contentType: 'image/png' });
    });
  },
});
