/*
 * The test guest in a QEMU "someone else" started, for attached-VM tests and specs: QMP, VNC
 * and serial port on Unix sockets in the caller's directory. Stopped by its own PID only.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findQemu, guestPaths } from '../../src/main/host/launcher';
import { until } from './until';

/** The test guest in a QEMU "someone else" started: its QMP, VNC and serial port on Unix sockets. */
export interface SocketQemu {
  qmp: string;
  vnc: string;
  /** The serial port QEMU serves (`-serial unix:…,server=on,wait=off`). */
  serial: string;
  pid: number;
  /** Whether QEMU still runs. */
  alive(): boolean;
  /** Stops QEMU by its PID (SIGTERM, SIGKILL after 10 s) and waits for it. */
  stop(): Promise<void>;
}

/**
 * Boots the test guest (PS/2 keyboard, no tablet, no network) with `-qmp unix:`, `-vnc
 * unix:` and `-serial unix:…,server=on,wait=off` in `dir`; resolves once the sockets exist.
 * QEMU drops serial output while no one reads the port, as it does for any such VM.
 */
export async function startSocketQemu(dir: string): Promise<SocketQemu> {
  const g = guestPaths();
  const qmp = path.join(dir, 'vm.qmp');
  const vnc = path.join(dir, 'vm.vnc');
  const serial = path.join(dir, 'vm.serial');
  const child = spawn(
    findQemu(),
    [
      ...['-accel', 'tcg', '-m', '128M', '-display', 'none', '-nic', 'none'],
      ...['-qmp', `unix:${qmp},server=on,wait=off`, '-vnc', `unix:${vnc}`],
      ...['-serial', `unix:${serial},server=on,wait=off`],
      ...['-kernel', g.kernel, '-initrd', g.initrd, '-append', 'console=ttyS0 quiet'],
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (!alive()) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => alive() && child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  try {
    await until(
      () => !alive() || [qmp, vnc, serial].every((s) => fs.existsSync(s)),
      15_000,
      'QEMU sockets',
      50,
    );
    if (!alive()) throw new Error(`QEMU exited before it opened its sockets in ${dir}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { qmp, vnc, serial, pid: child.pid!, alive, stop };
}
