/*
 * Where QEMU's `pc` machine puts guest RAM in guest-physical space, computed from the RAM
 * size as QEMU's pc_piix.c does: below 4 GiB up to the PCI hole (3.5 GiB, lowered to 3 GiB
 * with gigabyte alignment once RAM reaches 3.5 GiB), the rest from 4 GiB. The legacy
 * VGA/ROM window 640 KiB..1 MiB is left out: the guest does not see RAM there. Pure.
 */
import type { MemSeg } from '../../../shared/model';

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;

/** QEMU's default max-ram-below-4g for `pc` (0xe0000000). */
export const PC_MAX_RAM_BELOW_4G = 0xe0000000n;
/** Start of the legacy VGA window, and of RAM again after the BIOS ROMs. */
export const LEGACY_HOLE = { start: 640n * KiB, end: 1n * MiB } as const;

/** Guest-physical segments of a `pc` guest with `ramBytes` of RAM; file offsets into the RAM file. */
export function pcRamSegments(ramBytes: bigint): MemSeg[] {
  let lowmem = PC_MAX_RAM_BELOW_4G;
  // gigabyte_align (every pc machine type since 1.7): RAM that reaches the hole is split at 3 GiB.
  if (ramBytes >= lowmem) lowmem = 3n * GiB;
  const below = ramBytes >= lowmem ? lowmem : ramBytes;
  const above = ramBytes - below;
  const segs: MemSeg[] = [];
  const push = (gpa: bigint, end: bigint, fileOff: bigint): void => {
    if (end > gpa) segs.push({ gpa, size: end - gpa, fileOff });
  };
  push(0n, below < LEGACY_HOLE.start ? below : LEGACY_HOLE.start, 0n);
  push(LEGACY_HOLE.end, below, LEGACY_HOLE.end);
  push(4n * GiB, 4n * GiB + above, below);
  return segs;
}

/** The file offset of guest-physical `gpa` and the bytes left in its segment, or undefined when unbacked. */
export function locateGpa(
  segs: readonly MemSeg[],
  gpa: bigint,
): { fileOff: bigint; left: bigint } | undefined {
  for (const s of segs) {
    if (gpa >= s.gpa && gpa < s.gpa + s.size)
      return { fileOff: s.fileOff + (gpa - s.gpa), left: s.gpa + s.size - gpa };
  }
  return undefined;
}
