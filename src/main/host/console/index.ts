/* The console service's public surface: both shells import from here, never the internals. */
export { ConsoleService } from './console-service';
export type { ConsoleFleetPort, ConsoleServiceOptions } from './console-service';
export type { PushSink } from './renderer-push';
export { toReply } from './console-commands';
export type { ConsoleHostPort, HostVm } from './host-port';
export { validateRequest, isInvokeChannel } from './validate';
