/*
 * Public surface of a VM's link: the shared, supervised QMP connection and the seam
 * lifecycle every adapter of that VM follows. Importers use this file, never the internals.
 */
export { VmLink, DEFAULT_HEARTBEAT_MS } from './vm-link';
export type { LinkStatus, VmLinkOptions } from './vm-link';
export { SeamLifecycle } from './seam-lifecycle';
export type { SeamLink, SeamSpec } from './seam-lifecycle';
export { qmpFailureCode, describeFailure } from './qmp-ack';
