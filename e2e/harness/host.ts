/*
 * Starts `vmsig serve` on a temporary configuration (one managed VM on the test guest, the
 * operator console control, a higher-priority "robot" control for preemption tests) and
 * stops it — and only the processes it started — by PID.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { ConsolePage } from '../pages/console-page';

/** Tokens of the two configured controls. */
export const OPERATOR_TOKEN = 'e2e-operator-token-0001';
export const ROBOT_TOKEN = 'e2e-robot-token-0002';

/** The console's own control in every host the e2e suite starts. */
export const OPERATOR_CONTROL = {
  name: 'operator',
  principal: 1,
  token: OPERATOR_TOKEN,
  caps: ['OBSERVE', 'INPUT', 'LIFECYCLE', 'POWER', 'VM', 'HOST'],
  endpoints: 'all',
  leasePrio: 10,
  console: true,
};

/** One console a test drives, and how to let go of it (saving what a failure needs). */
export interface ConsoleSession {
  ui: ConsolePage;
  close(testInfo: TestInfo): Promise<void>;
}

/** A running host with the managed demo VM booted, in either shell. */
export interface RunningHost {
  dir: string;
  socket: string;
  pid: number;
  serialPath: string;
  /** The PID of QEMU (child of the host process). */
  qemuPid(): number | null;
  /** The host process and its QEMU are both still alive. */
  healthy(): boolean;
  /** What the host printed so far (stdout and stderr). */
  log(): string;
  /**
   * A console on this host: a new tab from `newPage` with `params` in its URL (headless
   * host), or the shell's own window reloaded (Electron, which takes no `params`).
   */
  openConsole(newPage: () => Promise<Page>, params?: Record<string, string>): Promise<ConsoleSession>;
  stop(): Promise<void>;
}

export const repo = path.resolve(import.meta.dirname, '../..');
/** Where the hosts' logs go (inside Playwright's output directory, which is gitignored). */
export const HOST_LOGS = path.join(repo, 'test-results/e2e-hosts');

/** Writes the host configuration (VMs, controls, its own journal) into `dir`. */
export function writeConfig(dir: string): string {
  const file = path.join(dir, 'config.json');
  const doc = {
    socket: path.join(dir, 'control.sock'),
    vms: [{ id: 1, name: 'demo', managed: { memoryMiB: 128 } }],
    controls: [
      OPERATOR_CONTROL,
      {
        name: 'robot',
        principal: 7,
        token: ROBOT_TOKEN,
        caps: ['OBSERVE', 'INPUT', 'SENSOR'],
        endpoints: [1],
        leasePrio: 20,
      },
    ],
    // Its own journal: the user's default journal is never written by tests.
    journal: { dir: path.join(dir, 'journal') },
  };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 });
  return file;
}

/** Polls `probe` every 100 ms until it returns a value; rejects after `ms`. */
export function waitFor<T>(what: string, ms: number, probe: () => T | null | undefined | false): Promise<T> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      try {
        const v = probe();
        if (v !== null && v !== undefined && v !== false) return resolve(v);
      } catch (e) {
        return reject(e instanceof Error ? e : new Error(String(e)));
      }
      if (Date.now() - start > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(tick, 100);
    };
    tick();
  });
}

/** PIDs whose parent is `ppid`. */
function childrenOf(ppid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(ppid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** argv[0] of a process (QEMU renames its thread, so comm would not say qemu). */
function exeOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

/** The QEMU that host process `pid` started, if it runs. */
export function qemuChildOf(pid: number): number | null {
  return childrenOf(pid).find((p) => path.basename(exeOf(p)).startsWith('qemu-system')) ?? null;
}

/** Waits for VM 1's serial log under `dir` and the guest's ready marker in it; returns the log's path. */
export async function waitForGuest(dir: string, hostExited: () => string | null): Promise<string> {
  const serialPath = await waitFor('the serial log', 90_000, () => {
    const why = hostExited();
    if (why) throw new Error(why);
    const f = path.join(dir, 'vms', 'vm1.serial');
    return fs.existsSync(f) ? f : null;
  });
  await waitFor('the guest ready marker', 90_000, () => {
    const why = hostExited();
    if (why) throw new Error(why);
    return fs.readFileSync(serialPath, 'utf8').includes('VMSIG-GUEST-READY');
  });
  return serialPath;
}

/** Saves a host's output as test-results/e2e-hosts/<name>.log. */
export function saveHostLog(name: string, text: string): void {
  fs.mkdirSync(HOST_LOGS, { recursive: true });
  fs.writeFileSync(path.join(HOST_LOGS, `${name}.log`), text);
}

/** A fresh tab on the headless host at `url` (plus `params`), connected. */
export async function openWebConsole(
  newPage: () => Promise<Page>,
  url: string,
  params: Record<string, string> = {},
): Promise<ConsoleSession> {
  const page = await newPage();
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  const ui = new ConsolePage(page);
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  await ui.open(u.href);
  // Playwright's own trace and failure screenshot cover pages of its browser context.
  return { ui, close: () => page.close() };
}

/** How a host differs from the default: its configuration, and whether to wait for a guest (none without VMs). */
export interface HostVariant {
  config?: (dir: string) => string;
  guest?: boolean;
}

/** Starts `vmsig serve` and waits until the guest printed its ready marker. */
export async function startHost(extraArgs: string[] = [], variant: HostVariant = {}): Promise<RunningHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-'));
  const config = (variant.config ?? writeConfig)(dir);
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(repo, 'bin/vmsig.mjs'), 'serve', '--config', config, ...extraArgs],
    // Macros in the host's own directory (removed with it), never the user's.
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VMSIG_MACRO_DIR: path.join(dir, 'macros') },
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const pid = child.pid!;
  const log = (): string => `${out}\n--- stderr ---\n${err}`;
  const qemuPid = (): number | null => qemuChildOf(pid);
  const stop = async (): Promise<void> => {
    saveHostLog(`serve-${pid}`, log());
    if (!exited) {
      const qemu = qemuPid();
      child.kill('SIGTERM');
      try {
        await waitFor('serve to exit', 15_000, () => exited);
      } catch {
        child.kill('SIGKILL');
        if (qemu) process.kill(qemu, 'SIGKILL');
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const gone = (): string | null => (exited ? `vmsig serve exited:\n${log()}` : null);
  try {
    const url = await waitFor('the console URL', 90_000, () => {
      const why = gone();
      if (why) throw new Error(why);
      return /console at (http:\/\/\S+)/.exec(out)?.[1];
    });
    const serialPath = variant.guest === false ? '' : await waitForGuest(dir, gone);
    return {
      dir,
      socket: path.join(dir, 'control.sock'),
      pid,
      serialPath,
      qemuPid,
      healthy: () => !exited && qemuPid() !== null,
      log,
      openConsole: (newPage, params) => openWebConsole(newPage, url, params),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Waits until `file` contains `text`. */
export function waitForSerial(file: string, text: string, ms = 20_000): Promise<true> {
  return waitFor(
    `"${text}" on the serial console`,
    ms,
    () => fs.readFileSync(file, 'utf8').includes(text) || null,
  );
}

/** Runs `vmsig <args>` against the host as the robot control; resolves with stdout. */
export function vmsig(host: RunningHost, args: string[]): string {
  return execFileSync(
    process.execPath,
    [path.join(repo, 'bin/vmsig.mjs'), ...args, '--socket', host.socket],
    {
      cwd: repo,
      // The token in the environment, not on the command line (where ps shows it).
      env: { ...process.env, VMSIG_TOKEN: ROBOT_TOKEN },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
}

/** Starts a long-running `vmsig` (e.g. `lease acquire --hold`) as the robot; returns the child to kill by PID. */
export function vmsigBackground(host: RunningHost, args: string[]): ChildProcess {
  return spawn(process.execPath, [path.join(repo, 'bin/vmsig.mjs'), ...args, '--socket', host.socket], {
    cwd: repo,
    env: { ...process.env, VMSIG_TOKEN: ROBOT_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
