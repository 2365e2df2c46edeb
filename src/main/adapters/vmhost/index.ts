/*
 * Public surface of the VMHOST adapter and its mapping of QEMU run states and events.
 * Importers use this file, never the internals.
 */
export { VmHostAdapter } from './vmhost-adapter';
export { stateFromEvent, stateFromRunState, LIFECYCLE_DETAIL_GUEST } from './vm-state';
