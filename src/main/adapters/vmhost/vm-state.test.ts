// How QEMU's run states and lifecycle events map to vmsig_vm_state; the VMHOST adapter
// publishes what these return, so a wrong row shows the operator a wrong state.
import { describe, expect, it } from 'vitest';
import { VmState } from '../../../shared/model';
import { stateFromEvent, stateFromRunState } from './vm-state';

describe('QEMU run states and events → vmsig_vm_state', () => {
  it('maps run states', () => {
    expect(stateFromRunState('running')).toBe(VmState.RUNNING);
    expect(stateFromRunState('paused')).toBe(VmState.PAUSED);
    expect(stateFromRunState('shutdown')).toBe(VmState.SHUTDOWN);
    expect(stateFromRunState('guest-panicked')).toBe(VmState.CRASHED);
    expect(stateFromRunState('something-new')).toBe(VmState.UNKNOWN);
  });

  it('maps lifecycle events, marking guest-initiated ones', () => {
    expect(stateFromEvent('RESET', { guest: true })).toEqual({ state: VmState.RESET, detail: 1 });
    expect(stateFromEvent('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' })).toEqual({
      state: VmState.SHUTDOWN,
      detail: 0,
    });
    expect(stateFromEvent('STOP')).toEqual({ state: VmState.PAUSED, detail: 0 });
    expect(stateFromEvent('GUEST_PANICKED')).toEqual({ state: VmState.CRASHED, detail: 0 });
    expect(stateFromEvent('BLOCK_JOB_COMPLETED')).toBeUndefined();
  });
});
