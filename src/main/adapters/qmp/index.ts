/*
 * Public surface of the QMP adapter: the client, its errors and message types. Importers
 * use this file, never the internals.
 */
export { QmpClient, DEFAULT_RECONNECT } from './qmp-client';
export type { QmpClientEvents, QmpClientOptions, QmpState, ReconnectPolicy } from './qmp-client';
export { QmpError, isQmpError } from './qmp-errors';
export type { QmpErrorKind } from './qmp-errors';
export type { QmpEvent, QmpGreeting } from './qmp-types';
export type { Disposer } from './typed-emitter';
