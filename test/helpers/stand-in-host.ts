/*
 * A ConsoleHostPort for unit tests of the shells (web host, Electron IPC): a real Core on a
 * manual clock with endpoint 1 "demo" and an operator console control, and no VMs to run.
 * Only the host's process management is absent; everything the console does goes through the core.
 */
import { Cap } from '../../src/shared/model';
import { Core, ManualClock, maskOf } from '../../src/main/core';
import type { ConsoleHostPort } from '../../src/main/host/console';

/** The stand-in host; `overrides` replace any of its members. */
export function standInHost(overrides: Partial<ConsoleHostPort> = {}): ConsoleHostPort {
  const clock = new ManualClock(1);
  const core = new Core({ clock });
  core.addEndpoint(1, 'demo');
  return {
    core,
    vms: () => [],
    hostOp: async () => {},
    consoleControl: () => ({
      name: 'operator',
      principal: 1,
      caps: Cap.OBSERVE | Cap.INPUT,
      grant: maskOf([1]),
      leasePrio: 10,
    }),
    readiness: () => ({ qemu: null, guest: null }),
    nowNs: () => clock.nowNs(),
    ...overrides,
  };
}
