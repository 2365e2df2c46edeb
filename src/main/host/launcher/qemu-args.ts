/*
 * Builds the qemu-system-x86_64 command line of a managed VM from its spec and a launch
 * plan. Pure: no file system, no processes, so the exact arguments are unit-tested.
 */
import { VIRTIO_KEYBOARD_ID } from '../../adapters/input';
import type { Accel } from './kvm-probe';
import type { VmRuntimePaths } from './runtime-paths';
import { serialArgs } from './serial-socket';
import type { ManagedVmSpec } from './vm-spec';

/** Default kernel command line: kernel log and the guest's markers on ttyS0. */
export const DEFAULT_APPEND = 'console=ttyS0 quiet panic=-1';

/** The CPU model of every managed VM: QEMU's default for `pc`, named so the KVM probe and the VMs cannot drift apart. */
export const VM_CPU = 'qemu64';

/**
 * `-accel`, `-machine` and `-cpu` of every managed VM. The KVM probe boots its kernel with
 * the very same ones, so a verdict proven by the probe holds for the VMs.
 */
export function platformArgs(
  accel: Accel,
  options: { memoryBackend?: string; machine?: 'pc' | 'q35' } = {},
): string[] {
  const type = options.machine ?? 'pc';
  const machine = options.memoryBackend ? `${type},memory-backend=${options.memoryBackend}` : type;
  return ['-accel', accel, '-machine', machine, '-cpu', VM_CPU];
}

/** Everything besides the spec that shapes the command line. */
export interface LaunchPlan {
  accel: Accel;
  paths: VmRuntimePaths;
  /** The kernel to boot directly; none when the VM boots through its firmware (disk, CD-ROM). */
  kernel?: string;
  initrd?: string;
  /** The host's serial socket (serial-socket.ts) QEMU connects its ttyS0 to. */
  serialSocket: string;
  /** Disks, CD-ROM, firmware, vCPUs and NIC from device-args.ts; default one vCPU and no NIC. */
  devices?: string[];
}

/** The argument vector (without argv[0]) for `spec` under `plan`. */
export function buildQemuArgs(spec: ManagedVmSpec, plan: LaunchPlan): string[] {
  const args = [
    '-name',
    `${spec.name},process=vmsig-vm${spec.id}`,
    ...platformArgs(plan.accel, { memoryBackend: 'ram0', machine: spec.machine }),
    '-m',
    `${spec.memoryMiB}M`,
    // A shared file-backed RAM so the MEMCTX adapter can map the guest's memory.
    '-object',
    `memory-backend-file,id=ram0,size=${spec.memoryMiB}M,mem-path=${plan.paths.ram},share=on`,
    '-qmp',
    `unix:${plan.paths.qmp},server=on,wait=off`,
    ...serialArgs(plan.serialSocket),
    '-display',
    'none',
    '-vga',
    'std',
    // A Unix socket in the private runtime directory: no TCP port any local process could
    // reach, no websocket; the host's RFB relay is the only way to the screen.
    '-vnc',
    `unix:${plan.paths.vnc}`,
    '-device',
    'virtio-tablet-pci',
    // A virtio keyboard beside PS/2: once the guest's driver is up QEMU routes keys to it,
    // and its 64-event ring lets the INPUT adapter pace keys far tighter than PS/2's 16 bytes.
    '-device',
    `virtio-keyboard-pci,id=${VIRTIO_KEYBOARD_ID}`,
    ...(plan.devices ?? ['-nic', 'none']),
    '-parallel',
    'none',
    '-monitor',
    'none',
    '-no-shutdown',
  ];
  if (plan.kernel !== undefined) {
    args.push('-kernel', plan.kernel);
    if (plan.initrd) args.push('-initrd', plan.initrd);
    args.push('-append', spec.append ?? DEFAULT_APPEND);
  }
  return [...args, ...(spec.extraArgs ?? [])];
}
