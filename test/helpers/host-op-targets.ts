/*
 * VM targets for HostOps in tests: they run nothing and only record, in order, which
 * operation reached which VM, so a test proves a refused operation never got there.
 */
import type { HostOpTargets } from '../../src/main/host/host-ops';

/** Targets that push `start 1`, `stop 1`, `remove 1`, `add 3` onto `reached`. */
export function recordingTargets(reached: string[]): HostOpTargets {
  return {
    startVm: async (id) => void reached.push(`start ${id}`),
    stopVm: async (id) => void reached.push(`stop ${id}`),
    removeVm: async (id) => void reached.push(`remove ${id}`),
    addAttachedVm: async (vm) => void reached.push(`add ${vm.id}`),
  };
}
