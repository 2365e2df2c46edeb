import { describe, expect, it } from 'vitest';
import { bootOrder, deviceArgs, networkArgs } from './device-args';
import type { PreparedDisk } from './disk-images';

const disk = (file: string, over: Partial<PreparedDisk> = {}): PreparedDisk => ({
  file,
  format: 'qcow2',
  mode: 'snapshot',
  bus: 'virtio',
  virtualSize: 1 << 30,
  ...over,
});

function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1] as string] : []));
}

describe('deviceArgs', () => {
  it('keeps the base image untouched in snapshot mode and writes it only in write mode', () => {
    const args = deviceArgs(
      { id: 2, name: 'x', memoryMiB: 512, disks: [{ path: '/i/a.qcow2' }, { path: '/i/b.raw' }] },
      { disks: [disk('/i/a.qcow2'), disk('/i/b.raw', { format: 'raw', mode: 'write' })] },
    );
    expect(valuesOf(args, '-drive')).toEqual([
      'if=none,id=disk0,file=/i/a.qcow2,format=qcow2,snapshot=on',
      'if=none,id=disk1,file=/i/b.raw,format=raw',
    ]);
    expect(valuesOf(args, '-device')).toEqual([
      'virtio-blk-pci,drive=disk0,bootindex=0',
      'virtio-blk-pci,drive=disk1,bootindex=1',
    ]);
  });

  it('boots the CD-ROM first by default, then the disk; a spec order wins', () => {
    const spec = { id: 1, name: 'x', memoryMiB: 512, disks: [{ path: '/d' }], cdrom: '/c.iso' };
    const media = { disks: [disk('/d', { bus: 'ide' })], cdrom: '/c.iso' };
    expect(bootOrder(spec)).toEqual(['cdrom', 'disk']);
    expect(valuesOf(deviceArgs(spec, media), '-device')).toEqual([
      'ide-hd,drive=disk0,bootindex=16',
      'ide-cd,drive=cd0,bootindex=0',
    ]);
    const diskFirst = deviceArgs({ ...spec, boot: ['disk'] }, media);
    expect(valuesOf(diskFirst, '-device')).toEqual(['ide-hd,drive=disk0,bootindex=0', 'ide-cd,drive=cd0']);
  });

  it('doubles commas in file names so QEMU cannot read them as options', () => {
    const args = deviceArgs({ id: 1, name: 'x', memoryMiB: 512 }, { disks: [disk('/i/a,snapshot=off')] });
    expect(valuesOf(args, '-drive')[0]).toContain('file=/i/a,,snapshot=off,');
  });

  it('adds the UEFI flash pair, vCPUs, and -nic none without a network', () => {
    const args = deviceArgs(
      { id: 1, name: 'x', memoryMiB: 512, vcpus: 2, firmware: 'uefi' },
      { disks: [], uefi: { code: '/o/CODE.fd', vars: '/r/vm1.vars.fd', ephemeral: true } },
    );
    expect(valuesOf(args, '-smp')).toEqual(['2']);
    expect(valuesOf(args, '-drive')).toEqual([
      'if=pflash,format=raw,unit=0,readonly=on,file=/o/CODE.fd',
      'if=pflash,format=raw,unit=1,file=/r/vm1.vars.fd',
    ]);
    expect(valuesOf(args, '-nic')).toEqual(['none']);
  });
});

describe('networkArgs', () => {
  it('binds forwarded ports to 127.0.0.1 unless an address is configured', () => {
    expect(
      networkArgs({
        forwards: [
          { hostPort: 2222, guestPort: 22 },
          { proto: 'udp', hostAddress: '0.0.0.0', hostPort: 5353, guestPort: 53 },
        ],
      }),
    ).toEqual([
      '-nic',
      'user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp:0.0.0.0:5353-:53',
    ]);
    expect(networkArgs({ model: 'e1000' })).toEqual(['-nic', 'user,model=e1000']);
  });
});
