/*
 * Host configuration files for tests that start a real host (HostService, `vmsig serve`):
 * one control entry builder and one writer, so each test states only what differs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type VmsigConfig, parseConfig } from '../../src/main/host/config';

/**
 * A control entry of config.json: every endpoint, lease priority its principal unless
 * `extra` says. `token` is the secret itself, or `{ tokenFile }` naming a file that holds it.
 */
export function control(
  name: string,
  principal: number,
  token: string | { tokenFile: string },
  caps: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const secret = typeof token === 'string' ? { token } : token;
  return { name, principal, ...secret, caps, endpoints: 'all', leasePrio: principal, ...extra };
}

/** The config a test host runs with: its socket in `dir`, parsed as if read from `dir/config.json`. */
export function parseHostConfig(dir: string, config: { vms: unknown[]; controls: unknown[] }): VmsigConfig {
  return parseConfig({ socket: path.join(dir, 'control.sock'), ...config }, path.join(dir, 'config.json'));
}

/** A managed test VM entry (the test guest, 128 MiB unless `managed` says). */
export function managedVm(
  id: number,
  name: string,
  managed: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id, name, managed: { memoryMiB: 128, ...managed } };
}

/** Writes `dir/config.json` (socket `run/control.sock` unless given; owner-only) and returns its path. */
export function writeHostConfig(
  dir: string,
  config: { controls: unknown[]; [field: string]: unknown },
): string {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ socket: 'run/control.sock', ...config }), { mode: 0o600 });
  return file;
}
