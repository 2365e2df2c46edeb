/*
 * Keeps the KVM probe's verdict on disk for the rest of this boot, so every process (each
 * test file, each `vmsig serve`) does not pay the probe's budget again. A verdict is reused
 * only for the very same QEMU binary, KVM device and kernel files, in the same boot; a
 * damaged or foreign cache file is ignored and overwritten, never trusted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KvmProbeResult } from './kvm-probe';

/** What a verdict was proven on; any difference means probing again. */
export interface VerdictKey {
  qemu: string;
  device: string;
  kernel: string;
}

/** Default cache file: `${XDG_CACHE_HOME:-~/.cache}/vmsig/kvm-verdict.json`. */
export function defaultVerdictFile(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cache, 'vmsig', 'kvm-verdict.json');
}

/** Verdicts kept per file (several binaries or kernels, e.g. a test's stand-in beside the real QEMU). */
const MAX_ENTRIES = 8;

interface Entry {
  id: string;
  verdict: KvmProbeResult;
}

/** The cached verdict for `key`, or null (none, another key, another boot, unreadable). Never throws. */
export function readVerdict(file: string, key: VerdictKey): KvmProbeResult | null {
  const id = identity(key);
  const v = readEntries(file).find((e) => e.id === id)?.verdict;
  if (!v || (v.accel !== 'kvm' && v.accel !== 'tcg') || typeof v.reason !== 'string') return null;
  return { accel: v.accel, reason: `${v.reason} (verdict cached this boot)`, ms: 0 };
}

/** Stores `verdict` for `key` (private file, atomic rename). Failure only means the next process probes again. */
export function writeVerdict(file: string, key: VerdictKey, verdict: KvmProbeResult): void {
  const id = identity(key);
  const entries = [{ id, verdict }, ...readEntries(file).filter((e) => e.id !== id)].slice(0, MAX_ENTRIES);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, JSON.stringify({ entries }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

function readEntries(file: string): Entry[] {
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries?: unknown };
    if (!Array.isArray(stored.entries)) return [];
    return stored.entries.filter(
      (e): e is Entry => typeof e === 'object' && e !== null && typeof (e as Entry).id === 'string',
    );
  } catch {
    return []; // no cache yet, or a damaged one: probing again is always correct
  }
}

/** The binary, the device and the kernel as they are now, and this boot's id. */
function identity(key: VerdictKey): string {
  const stamp = (file: string): string => {
    try {
      const st = fs.statSync(file);
      return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.rdev}`;
    } catch {
      return 'missing';
    }
  };
  let boot = '';
  try {
    boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    boot = `uptime-less:${Math.round(Date.now() / 1000 - os.uptime())}`;
  }
  return JSON.stringify([
    boot,
    key.qemu,
    stamp(key.qemu),
    key.device,
    stamp(key.device),
    key.kernel,
    stamp(key.kernel),
  ]);
}
