/*
 * Reads the paging registers of vCPU 0 from the HMP `info registers` text (QMP has no
 * structured register query on this QEMU). Parsing only: the adapter asks QEMU.
 */
import { ErrorCode, VmsigError } from '../../../shared/model';

/** The registers that decide the page walk. */
export interface PagingRegisters {
  cr0: bigint;
  cr3: bigint;
  cr4: bigint;
  efer: bigint;
}

const CR0_PG = 1n << 31n;
const CR4_LA57 = 1n << 12n;
const EFER_LMA = 1n << 10n;

function field(text: string, name: string): bigint {
  const m = new RegExp(`(?:^|\\s)${name}=([0-9a-fA-F]+)`).exec(text);
  if (!m) throw new VmsigError(ErrorCode.IO, `no ${name} in 'info registers' output`);
  return BigInt(`0x${m[1]}`);
}

/** Parses CR0, CR3, CR4 and EFER; throws VmsigError IO when one is missing. */
export function parseRegisters(text: string): PagingRegisters {
  return {
    cr0: field(text, 'CR0'),
    cr3: field(text, 'CR3'),
    cr4: field(text, 'CR4'),
    efer: field(text, 'EFER'),
  };
}

/** Paging levels in force (4 or 5), or undefined when the vCPU is not in long mode with paging. */
export function pagingLevels(r: PagingRegisters): 4 | 5 | undefined {
  if ((r.cr0 & CR0_PG) === 0n || (r.efer & EFER_LMA) === 0n || r.cr3 === 0n) return undefined;
  return (r.cr4 & CR4_LA57) !== 0n ? 5 : 4;
}
