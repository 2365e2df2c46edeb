/*
 * Test helpers for the real operating system: make sure the Debian 12 disk image and the
 * GRUB menu ISO exist (building them once, cached, with npm run debian-image), or say why
 * the tests are skipped. Login credentials and prompts of that image live here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGuest, type GuestAvailability } from './guest';

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
