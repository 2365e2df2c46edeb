/*
 * Translates between the console's New VM / Edit form (ManagedVmForm) and a `vms[].managed`
 * object of the configuration file. Pure; the host checks the result by the file's rules.
 */
import type { ManagedVmForm } from '../../../shared/ipc';

/** The `managed` object the form's settings stand for (a disk snapshot is the file's default, so omitted). */
export function formToManaged(f: ManagedVmForm): Record<string, unknown> {
  const m: Record<string, unknown> = { memoryMiB: f.memoryMiB };
  if (f.vcpus !== 1) m.vcpus = f.vcpus;
  if (f.firmware !== 'bios') m.firmware = f.firmware;
  if (f.disk) m.disks = [f.disk.mode === 'snapshot' ? { path: f.disk.path } : { ...f.disk }];
  if (f.cdrom) m.cdrom = f.cdrom;
  if (f.network) m.network = { forwards: f.network.forwards.map((p) => ({ ...p })) };
  return m;
}

/**
 * The form's view of a managed VM's settings, or null when they hold more than the form can
 * show (several disks, a kernel, extra QEMU arguments...): editing those belongs in the file.
 */
export function managedToForm(m: Record<string, unknown>): ManagedVmForm | null {
  const known = new Set(['memoryMiB', 'vcpus', 'firmware', 'disks', 'cdrom', 'network']);
  if (Object.keys(m).some((k) => !known.has(k))) return null;
  const disks = (m.disks as { path: string; mode?: string; [k: string]: unknown }[] | undefined) ?? [];
  if (disks.length > 1 || disks.some((d) => Object.keys(d).some((k) => k !== 'path' && k !== 'mode')))
    return null;
  const net = m.network as
    { model?: string; forwards?: { hostAddress?: string; proto?: string }[] } | undefined;
  if (net && (net.model || net.forwards?.some((f) => f.hostAddress || (f.proto && f.proto !== 'tcp'))))
    return null;
  const form: ManagedVmForm = {
    memoryMiB: m.memoryMiB as number,
    vcpus: (m.vcpus as number | undefined) ?? 1,
    firmware: (m.firmware as 'bios' | 'uefi' | undefined) ?? 'bios',
  };
  const disk = disks[0];
  if (disk)
    form.disk = { path: disk.path, mode: (disk.mode as 'snapshot' | 'overlay' | 'write') ?? 'snapshot' };
  if (typeof m.cdrom === 'string') form.cdrom = m.cdrom;
  if (net)
    form.network = {
      forwards: (net.forwards ?? []).map((f) => {
        const { hostPort, guestPort } = f as { hostPort: number; guestPort: number };
        return { hostPort, guestPort };
      }),
    };
  return form;
}
