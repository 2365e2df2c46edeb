/*
 * The device part of a managed VM's command line: vCPUs, disks, CD-ROM with boot order,
 * firmware flash, and the user-mode NIC with its port forwards. Pure: it gets files that
 * the pre-flight (disk-images.ts, firmware.ts) already checked, and only builds strings.
 */
import type { PreparedDisk } from './disk-images';
import { uefiArgs, type UefiFlash } from './firmware';
import type { BootDevice, ManagedVmSpec, NetworkSpec } from './vm-spec';

/** Checked media and firmware for one start. */
export interface PreparedDevices {
  disks: PreparedDisk[];
  cdrom?: string;
  uefi?: UefiFlash;
}

/** Forwarded host ports bind here unless the configuration names another address. */
export const DEFAULT_FORWARD_ADDRESS = '127.0.0.1';

// QEMU's -drive option syntax uses ',' as separator; a literal comma is doubled.
const optValue = (s: string): string => s.replaceAll(',', ',,');

/** The boot order: the spec's, else CD-ROM first (an installer), then the disks. */
export function bootOrder(spec: ManagedVmSpec): BootDevice[] {
  if (spec.boot) return spec.boot;
  const order: BootDevice[] = [];
  if (spec.cdrom !== undefined) order.push('cdrom');
  if (spec.disks?.length) order.push('disk');
  return order;
}

/** `-nic` for `network` (forwards on 127.0.0.1 by default), or `-nic none`. */
export function networkArgs(network: NetworkSpec | undefined): string[] {
  if (!network) return ['-nic', 'none'];
  const model = network.model === 'e1000' ? 'e1000' : 'virtio-net-pci';
  const forwards = (network.forwards ?? []).map(
    (f) =>
      `hostfwd=${f.proto ?? 'tcp'}:${f.hostAddress ?? DEFAULT_FORWARD_ADDRESS}:${f.hostPort}-:${f.guestPort}`,
  );
  return ['-nic', ['user', `model=${model}`, ...forwards].join(',')];
}

/** The arguments for vCPUs, firmware, disks, CD-ROM and network (no `-nic` when `network` is absent is `-nic none`). */
export function deviceArgs(spec: ManagedVmSpec, devices: PreparedDevices): string[] {
  const args: string[] = ['-smp', String(spec.vcpus ?? 1)];
  if (devices.uefi) args.push(...uefiArgs(devices.uefi));
  const order = bootOrder(spec);
  // bootindex on the device works for SeaBIOS and OVMF alike (unlike -boot order=).
  const indexOf = (d: BootDevice, within = 0): string => {
    const at = order.indexOf(d);
    return at < 0 ? '' : `,bootindex=${at * 16 + within}`;
  };
  devices.disks.forEach((d, i) => {
    const drive = [
      `if=none,id=disk${i}`,
      `file=${optValue(d.file)}`,
      `format=${d.format}`,
      ...(d.mode === 'snapshot' ? ['snapshot=on'] : []),
    ].join(',');
    const dev = d.bus === 'ide' ? 'ide-hd' : 'virtio-blk-pci';
    args.push('-drive', drive, '-device', `${dev},drive=disk${i}${indexOf('disk', i)}`);
  });
  if (devices.cdrom !== undefined) {
    args.push(
      '-drive',
      `if=none,id=cd0,media=cdrom,readonly=on,format=raw,file=${optValue(devices.cdrom)}`,
      '-device',
      `ide-cd,drive=cd0${indexOf('cdrom')}`,
    );
  }
  return [...args, ...networkArgs(spec.network)];
}
