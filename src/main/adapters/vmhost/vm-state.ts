/*
 * Maps QEMU's run states (query-status) and lifecycle events (STOP, RESUME, RESET,
 * SHUTDOWN, POWERDOWN, GUEST_PANICKED, SUSPEND, WAKEUP) to vmsig_vm_state. Pure tables;
 * an event it does not know maps to nothing rather than to a guess.
 */
import { VmState } from '../../../shared/model';

/**
 * `detail` of VM_LIFECYCLE: 1 when the guest itself caused the change (QMP `guest: true`
 * on RESET/SHUTDOWN), else 0.
 */
export const LIFECYCLE_DETAIL_GUEST = 1;

/** vmsig state for a `query-status` status string (QAPI RunState). */
export function stateFromRunState(status: string): VmState {
  switch (status) {
    case 'running':
      return VmState.RUNNING;
    case 'paused':
    case 'suspended':
    case 'debug':
    case 'inmigrate':
    case 'postmigrate':
    case 'finish-migrate':
    case 'prelaunch':
    case 'restore-vm':
    case 'save-vm':
    case 'colo':
      return VmState.PAUSED;
    case 'shutdown':
      return VmState.SHUTDOWN;
    case 'guest-panicked':
    case 'internal-error':
    case 'io-error':
    case 'watchdog':
      return VmState.CRASHED;
    default:
      return VmState.UNKNOWN;
  }
}

/** vmsig state and detail for a QMP event, or undefined when the event is not a lifecycle change. */
export function stateFromEvent(
  event: string,
  data?: Record<string, unknown>,
): { state: VmState; detail: number } | undefined {
  const detail = data?.guest === true ? LIFECYCLE_DETAIL_GUEST : 0;
  switch (event) {
    case 'STOP':
    case 'SUSPEND':
      return { state: VmState.PAUSED, detail: 0 };
    case 'RESUME':
    case 'WAKEUP':
      return { state: VmState.RUNNING, detail: 0 };
    case 'RESET':
      return { state: VmState.RESET, detail };
    case 'SHUTDOWN':
      return { state: VmState.SHUTDOWN, detail };
    case 'POWERDOWN':
      return { state: VmState.POWERDOWN, detail: 0 };
    case 'GUEST_PANICKED':
      return { state: VmState.CRASHED, detail: 0 };
    default:
      return undefined;
  }
}
