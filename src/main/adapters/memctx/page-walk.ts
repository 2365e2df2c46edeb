/*
 * The x86-64 page walk: guest-virtual → guest-physical under a CR3, 4- or 5-level, with
 * 1 GiB and 2 MiB pages, reporting writability (R/W at every level), NX (at any level)
 * and user access. It reads page-table entries through a PhysReader and never writes.
 */

/** Reads 8-byte page-table entries at guest-physical addresses; undefined when unbacked. */
export interface PhysReader {
  readU64(gpa: bigint): bigint | undefined;
}

/** A translated page: the guest-physical address of `gva`, its page's size and rights. */
export interface Mapping {
  gpa: bigint;
  /** 4096, 2 MiB or 1 GiB. */
  pageSize: bigint;
  writable: boolean;
  nx: boolean;
  user: boolean;
}

/** Why a walk failed: the address is not canonical, an entry is not present, or a table is not in RAM. */
export type WalkFault = { fault: 'non-canonical' | 'not-present' | 'unbacked'; level: number };

const PRESENT = 1n;
const RW = 1n << 1n;
const US = 1n << 2n;
const PS = 1n << 7n;
const NX = 1n << 63n;
const ADDR = 0x000f_ffff_ffff_f000n;
/** CR3 bits that name the top table (drops PCID in 0..11 and the no-flush bit 63). */
export const CR3_ADDR_MASK = ADDR;

/** Whether `gva` is canonical for `levels` (4: 48-bit, 5: 57-bit virtual addresses). */
export function isCanonical(gva: bigint, levels: 4 | 5): boolean {
  const bits = BigInt(levels * 9 + 12);
  const top = gva >> (bits - 1n);
  return top === 0n || top === (1n << (65n - bits)) - 1n;
}

/** Walks `gva` under `cr3`; returns the mapping or the fault. */
export function walk(reader: PhysReader, cr3: bigint, gva: bigint, levels: 4 | 5 = 4): Mapping | WalkFault {
  if (gva < 0n || gva >= 1n << 64n || !isCanonical(gva, levels))
    return { fault: 'non-canonical', level: levels };
  let table = cr3 & ADDR;
  let writable = true;
  let nx = false;
  let user = true;
  for (let level: number = levels; level >= 1; level--) {
    const shift = BigInt(12 + 9 * (level - 1));
    const index = (gva >> shift) & 511n;
    const entry = reader.readU64(table + index * 8n);
    if (entry === undefined) return { fault: 'unbacked', level };
    if ((entry & PRESENT) === 0n) return { fault: 'not-present', level };
    writable &&= (entry & RW) !== 0n;
    user &&= (entry & US) !== 0n;
    nx ||= (entry & NX) !== 0n;
    // PS means a large page at the PDPT (1 GiB) and PD (2 MiB) levels only.
    if (level === 1 || ((level === 2 || level === 3) && (entry & PS) !== 0n)) {
      const pageSize = 1n << shift;
      const base = entry & ADDR & ~(pageSize - 1n);
      return { gpa: base | (gva & (pageSize - 1n)), pageSize, writable, nx, user };
    }
    table = entry & ADDR;
  }
  return { fault: 'not-present', level: 1 };
}

/** Whether a walk result is a fault. */
export function isFault(r: Mapping | WalkFault): r is WalkFault {
  return 'fault' in r;
}
