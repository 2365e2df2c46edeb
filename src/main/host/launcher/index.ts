/*
 * Public surface of the VM launcher: launch a managed VM, find QEMU and the test guest,
 * probe KVM. Importers use this file, never the internals.
 */
export { launchVm } from './vm-launcher';
export type { LaunchOptions, VmExit, VmHandle } from './vm-launcher';
export { validateSpec, MANAGED_SPEC_FIELDS, MEMORY_MIB_MAX, MEMORY_MIB_MIN, SpecError } from './vm-spec';
export type { ManagedVmSpec, DiskSpec, NetworkSpec, PortForward } from './vm-spec';
export { findQemu } from './qemu-binary';
export { guestPaths, requireGuest } from './guest-paths';
export type { GuestPaths } from './guest-paths';
export { probeKvm, probeAccelerator, clearKvmProbeCache } from './kvm-probe';
export type { Accel, KvmProbeOptions, KvmProbeResult, ProbeKernel } from './kvm-probe';
export { LauncherError } from './launcher-errors';
export type { LauncherErrorKind } from './launcher-errors';
export { SerialLog } from './serial-log';
export type { SerialMatch } from './serial-log';
export { buildQemuArgs, DEFAULT_APPEND, platformArgs, VM_CPU } from './qemu-args';
export type { VmRuntimePaths } from './runtime-paths';
export { findOrphanQemus, stopOrphanQemus, type OrphanQemu } from './orphans';
