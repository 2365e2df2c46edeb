// What the VM list and view print for a VM's host state while its guest is silent, and after.
import { describe, expect, it } from 'vitest';
import type { VmView } from '../../shared/ipc';
import { hostStateText, isSilent } from './boot-state';

const base: VmView = {
  id: 1,
  name: 'demo',
  kind: 'managed',
  host: 'running',
  lifecycle: 'RUNNING',
  seams: [],
  error: null,
  vnc: null,
  serialPath: null,
};

describe('hostStateText', () => {
  it('says "no guest output for N s" instead of a plain running while the guest is silent', () => {
    const vm = { ...base, silentForS: 12 };
    expect(isSilent(vm)).toBe(true);
    expect(hostStateText(vm)).toBe('running — no guest output for 12 s');
  });

  it('is plain once the guest showed life, and for VMs not watched (attached, stopped, an older host)', () => {
    expect(hostStateText({ ...base, silentForS: null })).toBe('running');
    expect(hostStateText(base)).toBe('running');
    expect(hostStateText({ ...base, host: 'stopped', silentForS: 3 })).toBe('stopped');
    expect(isSilent({ ...base, kind: 'attached', host: 'attached', silentForS: null })).toBe(false);
  });
});
