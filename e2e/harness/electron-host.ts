/*
 * The real Electron shell as a test host: launches out/main through Playwright's _electron
 * on the same configuration the headless host gets, and hands its one window to the specs
 * (reloaded per test, traced and screenshotted on failure by hand: Playwright records only
 * its own browser contexts). Where the Electron binary is missing it says why instead.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type TestInfo } from '@playwright/test';
import { ConsolePage } from '../pages/console-page';
import {
  type ConsoleSession,
  type RunningHost,
  qemuChildOf,
  repo,
  saveHostLog,
  waitForGuest,
  writeConfig,
} from './host';

const MAIN = path.join(repo, 'out/main/index.js');

/** The Electron binary's path, or why the electron project cannot run here. */
export function electronBinary(): { path: string } | { missing: string } {
  let bin: string;
  try {
    // The electron package exports its binary's path, and throws when its download failed.
    bin = createRequire(import.meta.url)('electron') as string;
  } catch (e) {
    return { missing: `the electron package has no binary (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!fs.existsSync(bin)) return { missing: `the Electron binary ${bin} does not exist` };
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { missing: 'no display for the Electron window: run under xvfb-run' };
  return { path: bin };
}

/** A launched Electron console on `config`, with `env` over the test's environment. */
async function launch(
  config: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ app: ElectronApplication; pid: number; log(): string }> {
  const found = electronBinary();
  if ('missing' in found) throw new Error(found.missing);
  const app = await _electron.launch({
    executablePath: found.path,
    // Chromium will not start as root with its OS sandbox, and CI runs as root: only
    // there the test turns it off; as any other user the shell runs as shipped.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), MAIN, '--config', config],
    cwd: repo,
    env: { ...(process.env as Record<string, string>), ...(env as Record<string, string>) },
  });
  let out = '';
  const proc = app.process();
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { app, pid: proc.pid!, log: () => out };
}

/** The app's window reloaded (a fresh renderer per test), with tracing until `close`. */
async function windowSession(app: ElectronApplication): Promise<ConsoleSession> {
  const page = await app.firstWindow();
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await app.context().tracing.start({ screenshots: true, snapshots: true });
  await page.reload();
  const ui = new ConsolePage(page);
  await ui.waitConnected();
  return {
    ui,
    async close(testInfo: TestInfo) {
      const failed = testInfo.status !== testInfo.expectedStatus;
      if (failed) {
        const shot = testInfo.outputPath('electron-failure.png');
        await page.screenshot({ path: shot }).catch(() => undefined);
        await testInfo.attach('screenshot', { path: shot, contentType: 'image/png' }).catch(() => undefined);
        const trace = testInfo.outputPath('electron-trace.zip');
        await app.context().tracing.stop({ path: trace });
        await testInfo.attach('trace', { path: trace, contentType: 'application/zip' });
      } else {
        await app.context().tracing.stop();
      }
    },
  };
}

/** Stops the app by closing it (the shell stops its VMs on quit), by PID if it hangs. */
async function close(app: ElectronApplication, pid: number): Promise<void> {
  const qemu = qemuChildOf(pid);
  const closed = app.close().then(() => true);
  const timedOut = new Promise<false>((r) => setTimeout(() => r(false), 15_000));
  if (!(await Promise.race([closed, timedOut]))) {
    process.kill(pid, 'SIGKILL');
    if (qemu) process.kill(qemu, 'SIGKILL');
  }
}

/** Starts the Electron shell with the demo VM and waits until the guest is ready. */
export async function startElectronHost(): Promise<RunningHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-electron-'));
  const { app, pid, log } = await launch(writeConfig(dir), { VMSIG_MACRO_DIR: path.join(dir, 'macros') });
  let exited = false;
  app.process().once('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    saveHostLog(`electron-${pid}`, log());
    if (!exited) await close(app, pid);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const serialPath = await waitForGuest(dir, () => (exited ? `electron exited:\n${log()}` : null));
    return {
      dir,
      socket: path.join(dir, 'control.sock'),
      pid,
      serialPath,
      qemuPid: () => qemuChildOf(pid),
      healthy: () => !exited && qemuChildOf(pid) !== null,
      log,
      openConsole: async (_newPage, params) => {
        if (params && Object.keys(params).length)
          throw new Error('the Electron window takes no URL parameters');
        return windowSession(app);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A second Electron shell on `config` (e.g. with no VMs) and `env`; its window, and how to stop it. */
export async function startElectronConsole(
  config: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ui: ConsolePage; stop(): Promise<void> }> {
  const { app, pid, log } = await launch(config, env);
  try {
    const page = await app.firstWindow({ timeout: 30_000 });
    const ui = new ConsolePage(page);
    await ui.waitConnected();
    return {
      ui,
      async stop() {
        saveHostLog(`electron-${pid}`, log());
        await close(app, pid);
      },
    };
  } catch (e) {
    await close(app, pid);
    throw e;
  }
}
