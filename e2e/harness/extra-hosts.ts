/*
 * Extra processes some specs need beside the main host: a plain QEMU to attach by its QMP
 * socket (or by all its sockets), and a short-lived second `vmsig serve` that cannot find QEMU. Each is stopped by
 * its own PID and its temporary files removed; nothing else is ever signalled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchVm } from '../../src/main/host/launcher';
import { OPERATOR_CONTROL } from './host';

const repo = path.resolve(import.meta.dirname, '../..');

/** A QEMU the spec attaches to; the console does not own it. */
export interface AttachedQemu {
  id: number;
  qmpPath: string;
  pid: number;
  /** Whether the QEMU process is still alive. */
  alive(): boolean;
  /** Stops QEMU by its PID and removes its runtime directory. */
  stop(): Promise<void>;
}

/** Boots the test guest in a QEMU of its own (runtime files in a fresh temp directory). */
export async function startAttachedQemu(id: number): Promise<AttachedQemu> {
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-attached-'));
  try {
    const vm = await launchVm({ id, name: `attached${id}`, memoryMiB: 128 }, { runtimeDir });
    return {
      id,
      qmpPath: vm.paths.qmp,
      pid: vm.pid,
      alive: () => vm.running,
      async stop() {
        await vm.stop();
        fs.rmSync(runtimeDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(runtimeDir, { recursive: true, force: true });
    throw e;
  }
}

/** Writes a configuration with no VMs, the operator control and its own socket and journal into `dir`. */
export function writeBareConfig(dir: string): string {
  const config = path.join(dir, 'config.json');
  const doc = {
    socket: path.join(dir, 'control.sock'),
    vms: [],
    controls: [OPERATOR_CONTROL],
    journal: { dir: path.join(dir, 'journal') },
  };
  fs.writeFileSync(config, JSON.stringify(doc, null, 2), { mode: 0o600 });
  return config;
}

/** A second headless host (`vmsig serve`) of a spec's own. */
export interface BareHost {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `vmsig serve` with an empty VM list, its own config, socket and journal, and
 * `env` overrides (e.g. a PATH on which no QEMU exists). Resolves once it prints its URL.
 */
export async function startBareHost(env: NodeJS.ProcessEnv): Promise<BareHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-bare-'));
  return startServe(dir, writeBareConfig(dir), env);
}

/**
 * Starts `vmsig serve --config config` (its files in `dir`, removed on stop) with `env` over
 * the environment; resolves once it prints its URL. Stopped by its own PID.
 */
export async function startServe(
  dir: string,
  config: string,
  env: NodeJS.ProcessEnv = {},
): Promise<BareHost> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(repo, 'bin/vmsig.mjs'), 'serve', '--config', config],
    { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  const stop = async (): Promise<void> => {
    if (!done) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const start = Date.now();
  for (;;) {
    const url = /console at (http:\/\/\S+)/.exec(out)?.[1];
    if (url) return { url, stop };
    if (done || Date.now() - start > 30_000) {
      await stop();
      throw new Error(`vmsig serve did not print its URL:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { type SocketQemu, startSocketQemu } from '../../test/helpers/socket-qemu';
