/*
 * Public surface of the MEMCTX adapter: the adapter, the pc RAM layout, the page walk and
 * the write planner. Importers use this file, never the internals.
 */
export { MemctxAdapter } from './memctx-adapter';
export type { MemctxTiming } from './memctx-adapter';
export { pcRamSegments, locateGpa, PC_MAX_RAM_BELOW_4G, LEGACY_HOLE } from './pc-ram-layout';
export { walk, isFault, isCanonical, CR3_ADDR_MASK } from './page-walk';
export type { Mapping, PhysReader, WalkFault } from './page-walk';
export { parseRegisters, pagingLevels } from './cpu-registers';
export type { PagingRegisters } from './cpu-registers';
export { planWrite } from './memwrite-plan';
export type { WritePlan } from './memwrite-plan';
export { RamFile } from './ram-file';
export type { FileChunk } from './ram-file';
export { readContext, contextHolds } from './guest-context';
export type { GuestContext } from './guest-context';
