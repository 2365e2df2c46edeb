/*
 * Public surface of the VMHOST adapter and the per-VM QMP link it shares with the INPUT
 * and MEMCTX adapters of the same VM. Importers use this file, never the internals.
 */
export { VmHostAdapter } from './vmhost-adapter';
export { VmLink, DEFAULT_HEARTBEAT_MS } from './vm-link';
export type { LinkStatus, VmLinkOptions } from './vm-link';
export { reportSeam } from './seam-report';
export { qmpFailureCode, describeFailure } from './qmp-ack';
export { stateFromEvent, stateFromRunState, LIFECYCLE_DETAIL_GUEST } from './vm-state';
