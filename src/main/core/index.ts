/* The signaling core's public surface. */
export * from './core';
export * from './control';
export * from './endpoint-mask';
export * from './filter';
export * from './lease-arbiter';
export * from './payload-ledger';
export * from './ports';
export { LEASE_COMMANDS, ruleFor, capForLeaseClass, clampClientPrio } from './command-rules';
export { HOST_OPS, type HostOpName, type HostOpRule, hostOpRule, isHostOp } from './host-gate';
export { Pressure } from './pressure';
export { checkPayload, payloadLimit } from './payload-limits';
