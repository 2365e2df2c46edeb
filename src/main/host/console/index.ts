/* The console service's public surface: both shells import from here, never the internals. */
export { ConsoleService, toReply } from './console-service';
export type { ConsoleServiceOptions, PushSink } from './console-service';
export type { ConsoleHostPort, HostVm } from './host-port';
export { validateRequest, isInvokeChannel } from './validate';
