/*
 * Host configuration files for tests that start a real host (HostService, `vmsig serve`):
 * one control entry builder and one writer, so each test states only what differs.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A control entry of config.json: every endpoint, lease priority its principal unless `extra` says. */
export function control(
  name: string,
  principal: number,
  token: string,
  caps: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name, principal, token, caps, endpoints: 'all', leasePrio: principal, ...extra };
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
