/*
 * What the console service needs from the host (HostService): the core, the configured
 * VMs as the host sees them, and the few operations the UI may ask for. Declared here,
 * narrowly, so the console depends on a shape, not on the host's internals.
 */
import type { Core, ControlSpec } from '../../core';
import type { HostOpRequest } from '../host-ops';
import type { Journal } from '../journal';
import type { SerialLog } from '../launcher';
import type { VncTarget } from '../display/vnc-target';
import type { PointerStatus } from '../display/pointer-check';

/** One configured VM as the host runs it. */
export interface HostVm {
  id: number;
  name: string;
  kind: 'managed' | 'attached';
  /** Host-side process state: stopped, starting, running, failed (managed) or attached. */
  state: string;
  /** The launcher's or adapter's last error text, or null. */
  error: string | null;
  /** Its VNC server (raw RFB), which only the host's display relay opens; null without a display now. */
  vnc: VncTarget | null;
  serialPath: string | null;
  /** The guest's keyboard layout (config `vms[].layout`), for paste; absent means en-us. */
  layout?: string;
  /** The accelerator the managed VM's QEMU runs under; null while none runs (and for attached VMs). */
  accel?: 'kvm' | 'tcg' | null;
  /** Why that accelerator: the KVM probe's verdict, or the notice of a restart under TCG. */
  accelReason?: string | null;
  /** 'silent' until the guest shows life (serial output, a display mode of its own) after a start or reset; null when not watched. */
  bootStatus?: 'silent' | 'progressed' | null;
  /** Seconds since the start or reset while the guest is silent, else null. */
  silentForS?: number | null;
}

/** The host operations the console offers; each rejects with an Error saying why. */
export interface ConsoleHostPort {
  readonly core: Core;
  vms(): HostVm[];
  /** Runs a host operation as control `controlId` (gated by the core, journaled); rejects VmsigError. */
  hostOp(controlId: number, req: HostOpRequest): Promise<void>;
  /** The console's own identity (the configured control with `console: true`), or null when none. */
  consoleControl(): ControlSpec | null;
  /** What is missing to run managed VMs (null = present). */
  readiness(): { qemu: string | null; guest: string | null };
  /** Core clock now, in ns (the clock the core stamps with). */
  nowNs(): number;
  /** Whether VM `id` has an absolute pointer (a tablet), for the screen's notice. */
  pointerStatus?(id: number): Promise<PointerStatus>;
  /** Managed VM `id`'s name and `vms[].managed` settings, or null (attached or unknown). */
  managedSettings?(id: number): { name: string; managed: Record<string, unknown> } | null;
  /** Attached VM `id`'s name, QMP socket, display and serial port as the form spells them, or null. */
  attachedSettings?(id: number): { name: string; qmp: string; vnc?: string; serial?: string } | null;
  /** The disk images and ISOs in the configured `imageDirs`. */
  images?(): { path: string; kind: 'disk' | 'iso'; bytes: number }[];
  /** The serial log of VM `id` (its running QEMU's or its attached reader's), that run's id and what it reads, or null. */
  serialLog?(id: number): { log: SerialLog; run: number; source?: string } | null;
  /** The host's journal, when it keeps one (the timeline's history). */
  journal?(): Pick<Journal, 'reader' | 'nextRec' | 'pendingSkips'> | null;
}
