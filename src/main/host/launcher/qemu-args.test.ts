import { describe, expect, it } from 'vitest';
import { VIRTIO_KEYBOARD_ID } from '../../adapters/input';
import { buildQemuArgs, DEFAULT_APPEND, type LaunchPlan, platformArgs, VM_CPU } from './qemu-args';
import { vmRuntimePaths } from './runtime-paths';

const plan: LaunchPlan = {
  accel: 'tcg',
  paths: vmRuntimePaths('/run/x', 5),
  kernel: '/g/vmlinuz',
  initrd: '/g/initramfs.cpio.gz',
  serialSocket: '/run/x/vm5.serial.sock',
};

function valueOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1] as string] : []));
}

describe('buildQemuArgs', () => {
  const args = buildQemuArgs({ id: 5, name: 'demo', memoryMiB: 256, extraArgs: ['-smp', '2'] }, plan);

  it('backs RAM with a shared file named after the VM id', () => {
    expect(valueOf(args, '-object')).toEqual([
      'memory-backend-file,id=ram0,size=256M,mem-path=/run/x/vm5.ram,share=on',
    ]);
    expect(valueOf(args, '-machine')).toEqual(['pc,memory-backend=ram0']);
    expect(valueOf(args, '-m')).toEqual(['256M']);
  });

  it('opens QMP, serial and VNC where the handle says', () => {
    expect(valueOf(args, '-qmp')).toEqual(['unix:/run/x/vm5.qmp,server=on,wait=off']);
    expect(valueOf(args, '-chardev')).toEqual(['socket,id=serial0,path=/run/x/vm5.serial.sock']);
    expect(valueOf(args, '-serial')).toEqual(['chardev:serial0']);
    expect(valueOf(args, '-vnc')).toEqual(['unix:/run/x/vm5.vnc']);
    expect(valueOf(args, '-display')).toEqual(['none']);
  });

  it('has the absolute pointer, -no-shutdown, the accel, and the default kernel line', () => {
    expect(valueOf(args, '-device')).toContain('virtio-tablet-pci');
    // The virtio keyboard under the id the INPUT adapter asks QEMU about (keyboard-device.ts).
    expect(valueOf(args, '-device')).toContain(`virtio-keyboard-pci,id=${VIRTIO_KEYBOARD_ID}`);
    expect(args).toContain('-no-shutdown');
    expect(valueOf(args, '-accel')).toEqual(['tcg']);
    expect(valueOf(args, '-append')).toEqual([DEFAULT_APPEND]);
    expect(valueOf(args, '-initrd')).toEqual(['/g/initramfs.cpio.gz']);
  });

  it('runs every VM on the platform the KVM probe proves: platformArgs, CPU named', () => {
    expect(valueOf(args, '-cpu')).toEqual([VM_CPU]);
    const platform = platformArgs('tcg', { memoryBackend: 'ram0' });
    const at = args.indexOf('-accel');
    expect(args.slice(at, at + platform.length)).toEqual(platform);
    expect(platformArgs('kvm')).toEqual(['-accel', 'kvm', '-machine', 'pc', '-cpu', VM_CPU]);
  });

  it('appends extraArgs last', () => {
    expect(args.slice(-2)).toEqual(['-smp', '2']);
  });

  it('boots through the firmware when there is no kernel, with the devices and machine it was given', () => {
    const disk = buildQemuArgs(
      { id: 5, name: 'disk', memoryMiB: 512, machine: 'q35' },
      { ...plan, kernel: undefined, initrd: undefined, devices: ['-smp', '2', '-nic', 'user'] },
    );
    expect(disk).not.toContain('-kernel');
    expect(disk).not.toContain('-append');
    expect(valueOf(disk, '-machine')).toEqual(['q35,memory-backend=ram0']);
    expect(valueOf(disk, '-smp')).toEqual(['2']);
    expect(valueOf(disk, '-nic')).toEqual(['user']);
  });

  it('has no network unless the devices bring one', () => {
    expect(valueOf(args, '-nic')).toEqual(['none']);
  });
});
