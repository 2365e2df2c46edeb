/*
 * A real `vmsig serve` host as a child process for fleet tests: its own directory with
 * config, socket, journal and VM runtime files; its output kept for assertions; stopped
 * (SIGTERM) or killed (SIGKILL, then the QEMUs it left are stopped) by its own PID only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stopOrphanQemus } from '../../src/main/host/launcher';
import { writeHostConfig } from './host-config';
import { until } from './until';
import { VMSIG_BIN } from './vmsig-cli';

/** A running (or stopped) `vmsig serve`. */
export interface ServeHost {
  readonly dir: string;
  readonly pid: number;
  /** Its control socket (`dir/run/control.sock`). */
  readonly socket: string;
  /** The journal directory it writes. */
  readonly journal: string;
  /** The serial log of managed VM `id`. */
  serial(id: number): string;
  /** Everything it printed on stderr so far (its log lines). */
  log(): string;
  /**
   * SIGTERM and wait for the exit (SIGKILL after 15 s), then stop any QEMU a killed host
   * left behind (as a restarted host would); safe to call twice.
   */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: its VMs keep running until `stop`. */
  kill(): Promise<void>;
}

/**
 * Writes `dir/config.json` from `config` and starts `vmsig serve` on it with its journal in
 * `dir/journal`, extra `args` after; resolves once it printed its console URL (VMs may still boot).
 */
export async function startServeHost(
  dir: string,
  config: { controls: unknown[]; [field: string]: unknown },
  args: string[] = [],
): Promise<ServeHost> {
  fs.mkdirSync(dir, { recursive: true });
  const cfg = writeHostConfig(dir, config);
  const journal = path.join(dir, 'journal');
  const child: ChildProcess = spawn(
    process.execPath,
    [VMSIG_BIN, 'serve', '--config', cfg, '--journal', journal, '--no-log-file', ...args],
    { env: { ...process.env, XDG_STATE_HOME: path.join(dir, 'state') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const runtime = path.join(dir, 'run', 'vms');
  const waitExit = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, signal);
    const t = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  };
  const host: ServeHost = {
    dir,
    pid: child.pid!,
    socket: path.join(dir, 'run', 'control.sock'),
    journal,
    serial: (id) => path.join(runtime, `vm${id}.serial`),
    log: () => err,
    async stop() {
      await waitExit('SIGTERM');
      await stopOrphanQemus(runtime, () => {}, 2000);
    },
    kill: () => waitExit('SIGKILL'),
  };
  try {
    const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
    await until(() => out.includes('console at') || gone(), 30_000, `vmsig serve in ${dir} to start`, 50);
    if (gone()) throw new Error(`vmsig serve in ${dir} exited ${child.exitCode}:\n${err}`);
  } catch (e) {
    await host.kill();
    await host.stop();
    throw e;
  }
  return host;
}

/** Host `b` of a guestless fleet test: its controls and the NATS users mapped to them. */
export interface FleetHostB {
  controls: unknown[];
  /** NATS user → control name (`nats.users`). */
  users: Record<string, string>;
  /** The `nats.url` written in the file (`--nats` overrides it); default the server's own. */
  fileUrl?: string;
}

/**
 * Starts `vmsig serve --nats URL` as host `b` in `dir/b` (no VM, no journal), joining with
 * the nkey whose seed is `seed` (written 0600 as `host.nk`); resolves once it joined the bus.
 */
export async function startFleetHostB(
  dir: string,
  natsUrl: string,
  seed: string,
  b: FleetHostB,
): Promise<ServeHost> {
  const hdir = path.join(dir, 'b');
  fs.mkdirSync(hdir);
  fs.writeFileSync(path.join(hdir, 'host.nk'), seed, { mode: 0o600 });
  const serve = await startServeHost(
    hdir,
    {
      vms: [],
      journal: false,
      controls: b.controls,
      nats: { url: b.fileUrl ?? natsUrl, host: 'b', user: 'host-b', nkeySeedFile: 'host.nk', users: b.users },
    },
    ['--nats', natsUrl],
  );
  await until(() => serve.log().includes('fleet: connected to'), 20_000, 'serve to join the fleet', 50);
  return serve;
}
