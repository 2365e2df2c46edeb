/*
 * QEMUs a crashed host left behind: found by their command line (our
 * `-name …,process=vmsig-vm<N>` and a file of this runtime directory), stopped by PID, and
 * their runtime files removed, so a restarted host starts its VMs afresh instead of
 * finding them "already running". It signals only processes of this user that match both.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Log } from '../../core/ports';

/** A QEMU of a dead host: its PID and the VM id its command line names. */
export interface OrphanQemu {
  pid: number;
  id: number;
  /** Its guest-RAM backing file when outside the runtime directory (mem-path=…). */
  memPath: string | null;
}

function cmdline(procDir: string, pid: string): string[] | null {
  try {
    const raw = fs.readFileSync(path.join(procDir, pid, 'cmdline'), 'latin1');
    return raw ? raw.split('\0') : null;
  } catch {
    return null; // gone, or not ours to read
  }
}

/** The QEMUs of this user whose command line names `process=vmsig-vm<N>` and a `vm<N>.` file in `runtimeDir`. */
export function findOrphanQemus(runtimeDir: string, procDir = '/proc'): OrphanQemu[] {
  const dir = path.resolve(runtimeDir);
  const uid = process.getuid?.();
  let pids: string[];
  try {
    pids = fs.readdirSync(procDir).filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return [];
  }
  const found: OrphanQemu[] = [];
  for (const pid of pids) {
    const args = cmdline(procDir, pid);
    if (!args) continue;
    const named = args.map((a) => /(?:^|,)process=vmsig-vm(\d{1,2})(?:,|$)/.exec(a)).find(Boolean);
    if (!named) continue;
    const id = Number(named[1]);
    if (!args.some((a) => a.includes(`${dir}/vm${id}.`))) continue;
    try {
      if (uid !== undefined && fs.statSync(path.join(procDir, pid)).uid !== uid) continue;
    } catch {
      continue;
    }
    const mem = args.map((a) => /mem-path=([^,]+)/.exec(a)).find(Boolean);
    found.push({ pid: Number(pid), id, memPath: mem ? mem[1]! : null });
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (reaped by nobody yet) has an empty command line and holds nothing.
  return cmdline('/proc', String(pid)) !== null;
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const end = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(alive);
  }
  return left;
}

/** Removes the files a dead VM `id` left: `vm<id>.*` in `runtimeDir` (never a directory), and its RAM file elsewhere. */
function removeLeftovers(runtimeDir: string, orphan: OrphanQemu, log: Log): void {
  const prefix = `vm${orphan.id}.`;
  for (const name of fs.readdirSync(runtimeDir)) {
    if (!name.startsWith(prefix)) continue;
    const file = path.join(runtimeDir, name);
    if (!fs.lstatSync(file).isDirectory()) fs.rmSync(file, { force: true });
  }
  const mem = orphan.memPath;
  // A RAM file the launcher placed outside the runtime dir sits in its own vmsig-vm<N>-* directory.
  if (mem && path.basename(path.dirname(mem)).startsWith(`vmsig-vm${orphan.id}-`)) {
    fs.rmSync(path.dirname(mem), { recursive: true, force: true });
    log('info', `removed ${path.dirname(mem)} (guest RAM of the stopped VM ${orphan.id})`);
  }
}

/**
 * Stops every QEMU a dead host left in `runtimeDir`: SIGTERM, SIGKILL after `graceMs`,
 * then removes its runtime files. Resolves with what it stopped (logged).
 */
export async function stopOrphanQemus(runtimeDir: string, log: Log, graceMs = 3000): Promise<OrphanQemu[]> {
  if (!fs.existsSync(runtimeDir)) return [];
  const orphans = findOrphanQemus(runtimeDir);
  if (!orphans.length) return [];
  for (const o of orphans) {
    log(
      'warn',
      `VM ${o.id}: QEMU pid ${o.pid} was left running by a host that ended without stopping it; stopping it`,
    );
    try {
      process.kill(o.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const stubborn = await waitGone(
    orphans.map((o) => o.pid),
    graceMs,
  );
  for (const pid of stubborn) {
    log('warn', `QEMU pid ${pid} ignored SIGTERM; sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const survivors = await waitGone(stubborn, 2000);
  for (const o of orphans) {
    if (survivors.includes(o.pid))
      log('error', `QEMU pid ${o.pid} (VM ${o.id}) survived SIGKILL; its files are kept`);
    else removeLeftovers(runtimeDir, o, log);
  }
  return orphans;
}
