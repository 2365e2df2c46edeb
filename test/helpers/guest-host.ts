/*
 * A real HostService on the test guest for CLI-driven integration tests: one managed VM
 * "demo" (id 1), an operator console control and a robot control (both OBSERVE+INPUT),
 * booted until the guest is ready; stop() stops the host and removes its directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { GUEST_READY } from './guest';
import { control, managedVm, writeHostConfig } from './host-config';
import { untilFileHas } from './until';

/** The booted host: its directory, the VM's serial log and the control socket. */
export interface GuestHost {
  dir: string;
  host: HostService;
  serial: string;
  sock: string;
  /** Stops the host (its QEMU by PID) and removes `dir`. */
  stop(): Promise<void>;
}

/**
 * Starts the host in a fresh temp dir named after `prefix`. The operator (principal 1, lease
 * priority 10) is the console control and outranks the robot (principal 2, priority 5), so
 * tests can preempt the robot's input lease. `journal` keeps a journal in `dir/journal`.
 */
export async function startGuestHost(opts: {
  prefix: string;
  operator: string;
  robot: string;
  journal?: boolean;
}): Promise<GuestHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix));
  const caps = ['OBSERVE', 'INPUT'];
  const cfg = writeHostConfig(dir, {
    vms: [managedVm(1, 'demo')],
    controls: [
      control('operator', 1, opts.operator, caps, { leasePrio: 10, console: true }),
      control('robot', 2, opts.robot, caps, { leasePrio: 5 }),
    ],
  });
  let host: HostService | undefined;
  const stop = async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    host = await HostService.start({
      config: loadConfig(cfg),
      log: () => {},
      runtimeDir: path.join(dir, 'vms'),
      ...(opts.journal ? { journal: { dir: path.join(dir, 'journal') } } : {}),
    });
    const serial = host.vms()[0]!.serialPath!;
    await untilFileHas(serial, GUEST_READY, 90_000);
    return { dir, host, serial, sock: host.socketPath, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
