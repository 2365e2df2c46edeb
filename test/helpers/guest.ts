/*
 * Test helpers for integration tests on real QEMU: make sure the test guest exists (or say
 * clearly why the suite is skipped), boot a VM through the launcher, wait for serial
 * markers, and always stop by PID leaving no socket, RAM or serial file behind.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findQemu,
  guestPaths,
  launchVm,
  type LaunchOptions,
  type ManagedVmSpec,
  type SerialMatch,
  type VmHandle,
} from '../../src/main/host/launcher';

/** The marker the test guest prints on ttyS0 once init is ready. */
export const GUEST_READY = 'VMSIG-GUEST-READY';
/** Printed by the guest's power-button handler just before it powers off. */
export const GUEST_POWERDOWN = 'VMSIG-GUEST-POWERDOWN';
/** Prefix of the guest's pointer-event lines: `VMSIG-PTR sec.usec type code value`. */
export const GUEST_PTR = 'VMSIG-PTR';

/** Whether real-QEMU tests can run here, and if not, why. */
export type GuestAvailability = { ok: true } | { ok: false; reason: string };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let availability: GuestAvailability | undefined;

/**
 * Ensures QEMU is installed and the test guest is built (running build-guest.sh once if
 * missing). Never throws: the result says why tests must be skipped, and it is printed.
 */
export function ensureGuest(): GuestAvailability {
  if (availability) return availability;
  try {
    findQemu();
  } catch (e) {
    return report({ ok: false, reason: (e as Error).message });
  }
  if (!guestPaths().built || guestRecipeIsOld()) {
    const started = Date.now();
    const build = spawnSync('bash', [path.join(repoRoot, 'resources/guest/build-guest.sh')], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (build.status !== 0 || !guestPaths().built) {
      const why = (build.stderr || build.stdout || String(build.error ?? '')).trim().split('\n').at(-1);
      return report({ ok: false, reason: `test guest not built and npm run guest failed: ${why}` });
    }
    console.info(`[guest] built the test guest in ${Date.now() - started} ms`);
  }
  return report({ ok: true });
}

/**
 * Whether the cached guest was built by an older recipe than build-guest.sh's (e.g. without
 * the NIC driver the port-forward test needs): then it is rebuilt, as `npm run guest` would.
 */
function guestRecipeIsOld(): boolean {
  const script = fs.readFileSync(path.join(repoRoot, 'resources/guest/build-guest.sh'), 'utf8');
  const want = Number(/^RECIPE_VERSION=(\d+)$/m.exec(script)?.[1] ?? 0);
  const have = Number(/^recipe=(\d+)$/m.exec(fs.readFileSync(guestPaths().stamp, 'utf8'))?.[1] ?? 0);
  return have < want;
}

function report(result: GuestAvailability): GuestAvailability {
  availability = result;
  if (!result.ok) console.warn(`[guest] skipping real-QEMU tests: ${result.reason}`);
  return result;
}

/** A booted test VM with its private runtime directory. */
export interface TestVm {
  readonly handle: VmHandle;
  readonly runtimeDir: string;
  /** Milliseconds from launch to the ready marker (0 when not waited for). */
  readonly bootMs: number;
  /** Waits for a serial line containing/matching `marker`, after byte `since` (default 0). */
  waitForSerial(
    marker: string | RegExp,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<SerialMatch>;
  /** Stops QEMU by PID and removes the runtime directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of bootTestVm: spec overrides, and whether to wait for GUEST_READY. */
export interface BootOptions {
  spec?: Partial<ManagedVmSpec>;
  waitReady?: boolean;
  readyTimeoutMs?: number;
  launch?: Partial<LaunchOptions>;
}

/**
 * Boots the test guest (128 MiB, id 1) in a fresh os.tmpdir() runtime directory and, by
 * default, waits for GUEST_READY. On any failure the VM is stopped before rethrowing.
 */
export async function bootTestVm(options: BootOptions = {}): Promise<TestVm> {
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-test-'));
  const spec: ManagedVmSpec = { id: 1, name: 'test', memoryMiB: 128, ...options.spec };
  const started = Date.now();
  let handle: VmHandle | undefined;
  const stop = async (): Promise<void> => {
    await handle?.stop({ graceMs: 2000 });
    fs.rmSync(runtimeDir, { recursive: true, force: true });
  };
  try {
    handle = await launchVm(spec, { runtimeDir, ...options.launch });
    const h = handle;
    const waitForSerial = (
      marker: string | RegExp,
      o: { timeoutMs?: number; since?: number } = {},
    ): Promise<SerialMatch> =>
      h.serial.waitFor(marker, { timeoutMs: o.timeoutMs ?? 30_000, since: o.since, abort: h.exited });
    let bootMs = 0;
    if (options.waitReady ?? true) {
      await waitForSerial(GUEST_READY, { timeoutMs: options.readyTimeoutMs ?? 60_000 });
      bootMs = Date.now() - started;
    }
    return { handle: h, runtimeDir, bootMs, waitForSerial, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Runtime files left in `dir` (for asserting a clean stop). */
export function leftovers(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}
