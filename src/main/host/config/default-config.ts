/*
 * First run: writes a default configuration (file 0600 in a 0700 directory) with the
 * operator console's control and, when QEMU and the test guest are there, one managed demo
 * VM. It never overwrites an existing file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { findQemu, guestPaths } from '../launcher';

/** What `writeDefaultConfig` did. */
export interface DefaultConfigResult {
  /** False when a file was already there (it is left untouched). */
  written: boolean;
  path: string;
  /** Why the demo VM was left out, e.g. "QEMU not found: install qemu-system-x86". Empty when included. */
  missing: string[];
}

/** What is missing for the managed demo VM (empty when it can run). */
export function demoVmMissing(env: NodeJS.ProcessEnv = process.env): string[] {
  const missing: string[] = [];
  try {
    findQemu(env);
  } catch (e) {
    missing.push((e as Error).message);
  }
  const g = guestPaths(env);
  if (!g.built) missing.push(`test guest not built: run npm run guest (looked in ${g.dir})`);
  return missing;
}

/** The default document: console control with a fresh random token, plus the demo VM when possible. */
export function defaultConfigDocument(includeDemoVm: boolean): Record<string, unknown> {
  return {
    vms: includeDemoVm ? [{ id: 1, name: 'demo', managed: { memoryMiB: 256 } }] : [],
    controls: [
      {
        name: 'operator',
        principal: 1,
        token: crypto.randomBytes(24).toString('base64url'),
        caps: ['OBSERVE', 'INPUT', 'LIFECYCLE', 'POWER', 'VM', 'MEMWRITE', 'MEMREAD', 'SENSOR', 'HOST'],
        endpoints: 'all',
        leasePrio: 10,
        console: true,
      },
    ],
  };
}

/** Writes the default configuration to `file` unless it exists. */
export function writeDefaultConfig(file: string, env: NodeJS.ProcessEnv = process.env): DefaultConfigResult {
  if (fs.existsSync(file)) return { written: false, path: file, missing: [] };
  const missing = demoVmMissing(env);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
  // 'wx' so that two first runs racing never clobber each other's token.
  fs.writeFileSync(file, `${JSON.stringify(defaultConfigDocument(missing.length === 0), null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  fs.chmodSync(file, 0o600);
  return { written: true, path: file, missing };
}
