/*
 * A real HostService (from a configuration file of its own, no journal) with the console
 * service on it, for tests of the console's host operations without a shell or a browser:
 * the operator console control has HOST. Stopped, with its directory removed, by `stop`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/main/host/config';
import { ConsoleService } from '../../src/main/host/console';
import { HostService } from '../../src/main/host/host-service';
import { control, writeHostConfig } from './host-config';

/** The running pair and where its files are. */
export interface ConsoleHost {
  dir: string;
  /** The configuration file the host loaded (and rewrites for create/edit/remove). */
  file: string;
  host: HostService;
  svc: ConsoleService;
  stop(): Promise<void>;
}

/** Starts the host on `dir/config.json` holding `vms` and the operator console control. */
export async function startConsoleHost(prefix: string, vms: unknown[] = []): Promise<ConsoleHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = writeHostConfig(dir, {
    vms,
    controls: [control('operator', 1, 'op-token', ['OBSERVE', 'HOST', 'INPUT'], { console: true })],
    journal: false,
  });
  let host: HostService | null = null;
  try {
    host = await HostService.start({
      config: loadConfig(file),
      log: () => {},
      runtimeDir: path.join(dir, 'vms'),
    });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const svc = new ConsoleService(host, { tickMs: 5, vncUrl: (id) => `/vnc/${id}` });
  svc.start();
  return {
    dir,
    file,
    host,
    svc,
    async stop() {
      svc.stop();
      await host.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
