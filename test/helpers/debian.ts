/*
 * Test helpers for the real operating system: make sure the Debian 12 disk image and the
 * GRUB menu ISO exist (building them once, cached, with npm run debian-image), or say why
 * the tests are skipped; start it in a QEMU of its own for the attached-VM tests. Login
 * credentials and prompts of that image live here.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findQemu } from '../../src/main/host/launcher';
import { ensureGuest, type GuestAvailability } from './guest';
import { until } from './until';

/** The image's root password (set by resources/debian-image/build-debian-image.sh). */
export const DEBIAN_ROOT_PASSWORD = 'vmsig';
/** agetty's prompt on ttyS0 (no newline follows it: wait with `prompt: true`). */
export const DEBIAN_LOGIN_PROMPT = /vmsig-debian login: $/;
/** The ISO's GRUB menu and the marker each entry prints when chosen. */
export const ISO_MENU = 'VMSIG-ISO-MENU';
export const isoEntryMarker = (n: number): string => `VMSIG-ISO-ENTRY-${n}`;

/** Where the image and ISO are cached. */
export function debianDir(): string {
  return (
    process.env.VMSIG_DEBIAN_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vmsig', 'debian12')
  );
}

/** The disk image and the ISO. */
export function debianImage(): { disk: string; iso: string } {
  return { disk: path.join(debianDir(), 'disk.raw'), iso: path.join(debianDir(), 'menu.iso') };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let availability: GuestAvailability | undefined;

/**
 * Ensures QEMU, the tiny guest and the Debian image exist, building the image once when it
 * is missing and this process may (root, for mmdebstrap). Outside CI it never throws: the
 * result says why tests must be skipped, and it is printed; in CI (CI=true) a missing or
 * failed image throws, so the real-OS tests can never pass by being skipped.
 */
export function ensureDebianImage(): GuestAvailability {
  if (availability) return availability;
  const guest = ensureGuest();
  if (!guest.ok) return (availability = guest);
  const { disk, iso } = debianImage();
  if (!fs.existsSync(disk) || !fs.existsSync(iso) || !fs.existsSync(path.join(debianDir(), 'stamp'))) {
    if (process.getuid?.() !== 0 && process.env.CI !== 'true') {
      availability = {
        ok: false,
        reason: `no Debian image in ${debianDir()}: run npm run debian-image as root`,
      };
      console.warn(`[debian] skipping: ${availability.reason}`);
      return availability;
    }
    const started = Date.now();
    const build = spawnSync('bash', [path.join(repoRoot, 'resources/debian-image/build-debian-image.sh')], {
      encoding: 'utf8',
      timeout: 900_000,
    });
    if (build.status !== 0) {
      const why = (build.stderr || build.stdout || String(build.error ?? '')).trim().split('\n').at(-1);
      // In CI the image is part of the suite: a failed build must fail it, not skip it.
      if (process.env.CI === 'true') throw new Error(`npm run debian-image failed: ${why}`);
      availability = { ok: false, reason: `npm run debian-image failed: ${why}` };
      console.warn(`[debian] skipping: ${availability.reason}`);
      return availability;
    }
    console.info(`[debian] built the Debian image in ${Date.now() - started} ms`);
  }
  return (availability = { ok: true });
}

/**
 * A command for the tty1 shell: what tty1 echoes stays on tty1, only the command's output is
 * sent to ttyS0, and its last two lines are computed by the guest (`DEBIAN_COMMAND_OUTPUT`).
 */
export const DEBIAN_COMMAND =
  'echo VMSIG-DEBIAN-OUT >/dev/ttyS0; expr 6 + 36 >/dev/ttyS0; id -un >/dev/ttyS0\n';
export const DEBIAN_COMMAND_OUTPUT = ['VMSIG-DEBIAN-OUT', '42', 'root'];

/**
 * Logs in as root on tty1 by typing through `type` (the caller's INPUT path) and runs
 * `DEBIAN_COMMAND`; `outputSeen(timeoutMs)` says whether its last line reached ttyS0. Under
 * TCG on a loaded host login can be slow to ask for the password: a second round covers
 * keys typed before a prompt was ready. Resolves with whether the output was seen.
 */
export async function loginOnTty1AndRun(
  type: (text: string) => Promise<void>,
  outputSeen: (timeoutMs: number) => Promise<boolean>,
): Promise<boolean> {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  for (let round = 0; round < 2; round++) {
    await type('\nroot\n');
    await sleep(4000);
    await type(`${DEBIAN_ROOT_PASSWORD}\n`);
    await sleep(6000);
    await type(DEBIAN_COMMAND);
    if (await outputSeen(40_000)) return true;
  }
  return false;
}

/** The command's output lines in `serialText` (from its marker to the user name), for comparison. */
export function commandOutputLines(serialText: string): string[] {
  const out = serialText.split(/\r?\n/);
  return out.slice(out.indexOf(DEBIAN_COMMAND_OUTPUT[0]!), out.indexOf('root') + 1);
}

/** A QEMU started "by someone else" on the Debian disk, for the attached-VM tests. */
export interface DebianQemu {
  /** Its QMP, VNC and (with `serial: 'socket'`) serial sockets, and the serial file otherwise. */
  readonly qmp: string;
  readonly vnc: string;
  readonly serial: string;
  readonly child: ChildProcess;
  /** Whether QEMU has exited. */
  gone(): boolean;
  /** Kills QEMU by its PID (when still running) and waits for its exit. */
  stop(): Promise<void>;
}

/**
 * Starts QEMU (TCG, 512 MiB) on the cached Debian disk with `snapshot=on` (the image is never
 * written), a tablet, `-qmp unix:` and `-vnc unix:` in `dir`; its ttyS0 goes to a file, or to a
 * socket QEMU serves (`-serial unix:…,server=on,wait=off`) for the host to read. Without
 * -no-shutdown, as an operator would run it: an ACPI power-off ends the process. Resolves
 * once its sockets exist.
 */
export async function startDebianQemu(dir: string, serial: 'file' | 'socket'): Promise<DebianQemu> {
  const qmp = path.join(dir, 'debian.qmp');
  const vnc = path.join(dir, 'debian.vnc');
  const serialPath = path.join(dir, serial === 'socket' ? 'debian.serial.sock' : 'serial.log');
  const child = spawn(
    findQemu(),
    [
      ...['-accel', 'tcg', '-m', '512M', '-display', 'none', '-nic', 'none'],
      ...['-drive', `file=${debianImage().disk},format=raw,if=virtio,snapshot=on`],
      ...['-serial', serial === 'socket' ? `unix:${serialPath},server=on,wait=off` : `file:${serialPath}`],
      ...['-device', 'virtio-tablet-pci'],
      ...['-qmp', `unix:${qmp},server=on,wait=off`, '-vnc', `unix:${vnc}`],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (!gone() && child.pid) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  };
  try {
    const sockets = [qmp, vnc, ...(serial === 'socket' ? [serialPath] : [])];
    await until(() => gone() || sockets.every((s) => fs.existsSync(s)), 15_000, 'QEMU sockets', 50);
    if (gone()) throw new Error(`QEMU exited at start (code ${child.exitCode})`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { qmp, vnc, serial: serialPath, child, gone, stop };
}
