import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model/constants';
import { bootsTestGuest, validateSpec } from './vm-spec';

const base = { id: 1, name: 'a', memoryMiB: 256 };

describe('validateSpec', () => {
  it('accepts a minimal spec and returns it', () => {
    const spec = { id: 1, name: 'demo', memoryMiB: 256 };
    expect(validateSpec(spec)).toBe(spec);
  });

  it('accepts a disk VM with every managed field', () => {
    const spec = {
      ...base,
      disks: [{ path: '/i/d.qcow2', format: 'qcow2', mode: 'overlay', overlay: '/i/o.qcow2', bus: 'ide' }],
      cdrom: '/i/x.iso',
      boot: ['cdrom', 'disk'],
      firmware: 'uefi',
      uefiVars: '/i/vars.fd',
      vcpus: 4,
      machine: 'q35',
      network: { model: 'e1000', forwards: [{ hostPort: 2222, guestPort: 22, proto: 'tcp' }] },
      ramDir: '/big',
    };
    expect(validateSpec(spec)).toBe(spec);
    expect(bootsTestGuest(validateSpec(spec))).toBe(false);
    expect(bootsTestGuest(validateSpec(base))).toBe(true);
  });

  it.each([
    [{ id: 0, name: 'a', memoryMiB: 256 }, /id: must be an integer 1\.\.63/],
    [{ id: 64, name: 'a', memoryMiB: 256 }, /id: must be/],
    [{ id: 1, name: '', memoryMiB: 256 }, /name: must be/],
    [{ id: 1, name: 'a,b', memoryMiB: 256 }, /without commas/],
    [{ id: 1, name: 'a', memoryMiB: 64 }, /memoryMiB: must be an integer 128\.\.65536, got 64/],
    [{ id: 1, name: 'a', memoryMiB: 1.5 }, /memoryMiB/],
    [{ ...base, initrd: '/x' }, /initrd: needs kernel/],
    [{ ...base, extraArgs: ['-s', 3] }, /extraArgs: must be an array of strings/],
    [{ ...base, memoryMb: 3 }, /unknown field\(s\) memoryMb/],
    [null, /not an object/],
    [
      { ...base, disks: [{ path: '/a' }, { path: '/b', format: 'vmdk' }] },
      /disks\[1\]\.format: must be one of qcow2, raw/,
    ],
    [{ ...base, disks: [{ path: '' }] }, /disks\[0\]\.path: must be a non-empty string/],
    [{ ...base, disks: [{ path: '/a', size: '12Q' }] }, /disks\[0\]\.size: must be a size like "20G"/],
    [{ ...base, disks: [{ path: '/a', size: '0G' }] }, /disks\[0\]\.size/],
    [{ ...base, disks: [{ path: '/a', overlay: '/o' }] }, /disks\[0\]\.overlay: needs "mode": "overlay"/],
    [{ ...base, disks: [{ path: '/a', sizes: '1G' }] }, /disks\[0\]: unknown field\(s\) sizes/],
    [{ ...base, boot: ['cdrom'] }, /boot: "cdrom" needs a cdrom image/],
    [{ ...base, boot: ['floppy'] }, /boot\[0\]: must be one of disk, cdrom/],
    [{ ...base, firmware: 'efi' }, /firmware: must be one of bios, uefi/],
    [{ ...base, uefiVars: '/v' }, /uefiVars: needs "firmware": "uefi"/],
    [{ ...base, vcpus: 0 }, /vcpus: must be an integer 1\.\.64/],
    [{ ...base, machine: 'microvm' }, /machine: must be one of pc, q35/],
    [
      { ...base, network: { forwards: [{ hostPort: 70000, guestPort: 22 }] } },
      /network\.forwards\[0\]\.hostPort: must be an integer 1\.\.65535/,
    ],
    [
      { ...base, network: { forwards: [{ hostPort: 1, guestPort: 2, hostAddress: '::1' }] } },
      /network\.forwards\[0\]\.hostAddress/,
    ],
  ])('rejects %j with a message naming the field', (spec, message) => {
    expect(() => validateSpec(spec)).toThrow(message);
    try {
      validateSpec(spec);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'invalid-spec', code: ErrorCode.INVAL });
    }
  });
});
