/* The display relay's public surface, used by both shells and the host. */
export { DisplayService, type DisplayHostPort, type DisplayTicket } from './display-service';
export { type ViewerChannel } from './viewer-channel';
export { captureScreenshot } from './screenshot';
export { queryPointer, type PointerStatus } from './pointer-check';
export { type VncTarget, describeVncTarget, parseVncAddress } from './vnc-target';
export { TICKET_TTL_MS } from './tickets';
