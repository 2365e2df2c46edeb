import { describe, expect, it } from 'vitest';
import { formToManaged, managedToForm } from './vm-form';

describe('the New VM form and vms[].managed', () => {
  it('writes only what differs from the defaults, and reads it back the same', () => {
    const form = {
      memoryMiB: 1024,
      vcpus: 2,
      firmware: 'uefi' as const,
      disk: { path: '/img/debian.qcow2', mode: 'snapshot' as const },
      cdrom: '/img/install.iso',
      network: { forwards: [{ hostPort: 2222, guestPort: 22 }] },
    };
    const managed = formToManaged(form);
    expect(managed).toEqual({
      memoryMiB: 1024,
      vcpus: 2,
      firmware: 'uefi',
      disks: [{ path: '/img/debian.qcow2' }],
      cdrom: '/img/install.iso',
      network: { forwards: [{ hostPort: 2222, guestPort: 22 }] },
    });
    expect(managedToForm(managed)).toEqual(form);
    expect(formToManaged({ memoryMiB: 256, vcpus: 1, firmware: 'bios' })).toEqual({ memoryMiB: 256 });
  });

  it('does not offer a form for settings it cannot show (they are edited in the file)', () => {
    expect(managedToForm({ memoryMiB: 256, kernel: '/k' })).toBeNull();
    expect(managedToForm({ memoryMiB: 256, disks: [{ path: '/a' }, { path: '/b' }] })).toBeNull();
    expect(
      managedToForm({
        memoryMiB: 256,
        network: { forwards: [{ hostPort: 1, guestPort: 2, hostAddress: '0.0.0.0' }] },
      }),
    ).toBeNull();
  });
});
