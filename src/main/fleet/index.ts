/* The fleet over NATS (docs/fleet.md): the host's bridge and the client's session opener. */
export { FleetBridge, type FleetBridgeOptions, SESSIONS_PER_HOST, SESSIONS_PER_USER } from './bridge';
export { openFleetSession, type FleetSessionOptions } from './client-session';
export { TOKEN as SUBJECT_TOKEN } from './subjects';
export { FleetConsole } from './fleet-console';
