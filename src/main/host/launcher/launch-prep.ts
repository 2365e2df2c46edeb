/*
 * Everything a managed VM needs on the host before its QEMU starts: checked disks and
 * CD-ROM, UEFI flash, a RAM file where it fits, and the listening serial socket. One
 * release() undoes all of it (never touching base images, overlays or kept UEFI variables).
 */
import fs from 'node:fs';
import { deviceArgs } from './device-args';
import { prepareMedia } from './disk-images';
import { prepareUefi, type UefiFlash } from './firmware';
import { chooseRamBacking, releaseRamBacking, type RamBacking } from './ram-backing';
import type { VmRuntimePaths } from './runtime-paths';
import { openSerialSocket, type SerialSocket } from './serial-socket';
import type { ManagedVmSpec } from './vm-spec';

/** The host-side pieces of one start. */
export interface LaunchPrep {
  /** Disks, CD-ROM, firmware, vCPUs and NIC arguments for buildQemuArgs. */
  devices: string[];
  /** The RAM file QEMU maps (may be outside the runtime directory, see ram-backing.ts). */
  ramFile: string;
  serial: SerialSocket;
  /** Closes the serial socket and removes the per-start files (RAM fall-back dir, fresh UEFI vars, rotated serial). */
  release(): Promise<void>;
}

/** Options of prepareLaunch beyond the spec. */
export interface PrepOptions {
  runtimeDir: string;
  paths: VmRuntimePaths;
  qemuImg?: string;
  serialCapBytes?: number;
}

/**
 * Prepares `spec`'s start. Throws the pre-flight's LauncherError (missing file, locked
 * image, bad size, no room for RAM, no OVMF); on a throw nothing is left behind.
 */
export async function prepareLaunch(spec: ManagedVmSpec, o: PrepOptions): Promise<LaunchPrep> {
  const media = await prepareMedia(spec, o.qemuImg);
  let ram: RamBacking | undefined;
  let uefi: UefiFlash | undefined;
  const cleanups: (() => void)[] = [];
  try {
    ram = chooseRamBacking({
      id: spec.id,
      memoryMiB: spec.memoryMiB,
      runtimeDir: o.runtimeDir,
      runtimeRam: o.paths.ram,
      ramDir: spec.ramDir,
    });
    const r = ram;
    cleanups.push(() => releaseRamBacking(r));
    if (spec.firmware === 'uefi') {
      const flash = prepareUefi(`${o.paths.qmp.replace(/\.qmp$/, '')}.vars.fd`, spec.uefiVars);
      uefi = flash;
      if (flash.ephemeral) cleanups.push(() => fs.rmSync(flash.vars, { force: true }));
    }
    const serial = await openSerialSocket(`${o.paths.serial}.sock`, o.paths.serial, o.serialCapBytes);
    cleanups.push(() => fs.rmSync(serial.log.previousPath, { force: true }));
    return {
      devices: deviceArgs(spec, { disks: media.disks, cdrom: media.cdrom, uefi }),
      ramFile: r.file,
      serial,
      async release() {
        await serial.close();
        for (const c of cleanups) c();
      },
    };
  } catch (e) {
    for (const c of cleanups) c();
    throw e;
  }
}
