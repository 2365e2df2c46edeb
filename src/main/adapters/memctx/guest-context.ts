/*
 * Reads one coherent address-space context from a live VM: the paging registers of vCPU 0
 * (HMP `info registers` through QMP), the RAM file, and a snapshot of the top table's
 * kernel half so a later check can tell the context still holds. It only reads.
 */
import type { QmpClient } from '../qmp';
import { pagingLevels, parseRegisters } from './cpu-registers';
import { CR3_ADDR_MASK } from './page-walk';
import type { RamFile } from './ram-file';

/** A context the adapter can resolve writes under. */
export interface GuestContext {
  kcr3: bigint;
  levels: 4 | 5;
  /** Entries 256..511 of the top table: the kernel half every process shares. */
  kernelHalf: Buffer;
}

/**
 * The current context, or undefined while the vCPU is not in long mode with paging (e.g.
 * early after a reset). CR3 may be a user process's table: its kernel half is the kernel's.
 */
export async function readContext(qmp: QmpClient, ram: RamFile): Promise<GuestContext | undefined> {
  const text = await qmp.execute<string>('human-monitor-command', { 'command-line': 'info registers' });
  const regs = parseRegisters(text);
  const levels = pagingLevels(regs);
  if (levels === undefined) return undefined;
  const kcr3 = regs.cr3 & CR3_ADDR_MASK;
  const kernelHalf = ram.read(kcr3 + 256n * 8n, 256 * 8);
  return kernelHalf ? { kcr3, levels, kernelHalf } : undefined;
}

/** Whether `ctx` still holds: its top table's kernel half is unchanged in RAM. */
export function contextHolds(ram: RamFile, ctx: GuestContext): boolean {
  const now = ram.read(ctx.kcr3 + 256n * 8n, 256 * 8);
  return now !== undefined && now.equals(ctx.kernelHalf);
}
