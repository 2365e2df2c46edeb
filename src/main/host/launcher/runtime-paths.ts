/*
 * Names the per-VM files in a runtime directory (QMP socket, VNC socket, RAM backing file,
 * serial log, QEMU stderr). Naming only: it creates and removes nothing.
 */
import path from 'node:path';

/** The files one managed VM owns in its runtime directory. */
export interface VmRuntimePaths {
  qmp: string;
  /** QEMU's VNC server (raw RFB, no websocket, no TCP port); only the host's display relay connects. */
  vnc: string;
  ram: string;
  serial: string;
  stderr: string;
}

/** Paths `vm<id>.qmp`, `.vnc`, `.ram`, `.serial`, `.stderr` under `runtimeDir`. */
export function vmRuntimePaths(runtimeDir: string, id: number): VmRuntimePaths {
  const base = path.join(runtimeDir, `vm${id}`);
  return {
    qmp: `${base}.qmp`,
    vnc: `${base}.vnc`,
    ram: `${base}.ram`,
    serial: `${base}.serial`,
    stderr: `${base}.stderr`,
  };
}
