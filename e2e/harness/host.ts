/*
 * Starts `vmsig serve` on a temporary configuration (one managed VM on the test guest, the
 * operator console control, a higher-priority "robot" control for preemption tests) and
 * stops it — and only the processes it started — by PID.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

/** A running headless host. */
export interface RunningHost {
  url: string;
  dir: string;
  socket: string;
  pid: number;
  serialPath: string;
  /** The PID of QEMU (child of the serve process). */
  qemuPid(): number | null;
  stop(): Promise<void>;
}

const repo = path.resolve(import.meta.dirname, '../..');

function writeConfig(dir: string): string {
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
  };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 });
  return file;
}

function waitFor<T>(what: string, ms: number, probe: () => T | null | undefined): Promise<T> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const v = probe();
      if (v !== null && v !== undefined && v !== false) return resolve(v);
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

/** Starts the host and waits until the guest printed its ready marker. */
export async function startHost(): Promise<RunningHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-'));
  const config = writeConfig(dir);
  const child: ChildProcess = spawn(
    process.execPath,
    // Its own journal: the user's default journal is never written by tests.
    [path.join(repo, 'bin/vmsig.mjs'), 'serve', '--config', config, '--journal', path.join(dir, 'journal')],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const pid = child.pid!;
  const qemuPid = (): number | null =>
    childrenOf(pid).find((p) => path.basename(exeOf(p)).startsWith('qemu-system')) ?? null;
  const stop = async (): Promise<void> => {
    fs.writeFileSync(path.join(repo, 'e2e/artifacts/serve.log'), `${out}\n--- stderr ---\n${err}`);
    if (exited) return;
    const qemu = qemuPid();
    child.kill('SIGTERM');
    try {
      await waitFor('serve to exit', 15_000, () => exited);
    } catch {
      child.kill('SIGKILL');
      if (qemu) process.kill(qemu, 'SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await waitFor('the console URL', 90_000, () => {
      if (exited) throw new Error(`vmsig serve exited:\n${out}\n${err}`);
      return /console at (http:\/\/\S+)/.exec(out)?.[1];
    });
    const serialPath = await waitFor('the serial log', 10_000, () => {
      const f = path.join(dir, 'vms', 'vm1.serial');
      return fs.existsSync(f) ? f : null;
    });
    await waitFor('the guest ready marker', 90_000, () =>
      fs.readFileSync(serialPath, 'utf8').includes('VMSIG-GUEST-READY'),
    );
    return { url, dir, socket: path.join(dir, 'control.sock'), pid, serialPath, qemuPid, stop };
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
    [path.join(repo, 'bin/vmsig.mjs'), ...args, '--socket', host.socket, '--token', ROBOT_TOKEN],
    {
      cwd: repo,
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
}

/** Starts a long-running `vmsig` (e.g. `lease acquire --hold`) as the robot; returns the child to kill by PID. */
export function vmsigBackground(host: RunningHost, args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    [path.join(repo, 'bin/vmsig.mjs'), ...args, '--socket', host.socket, '--token', ROBOT_TOKEN],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}
