/*
 * The host side of the fleet bench in a process of its own (so its consoles, in the bench's
 * process, reach it as they would from another machine): a bench core behind a control
 * socket and a fleet bridge. Over IPC it answers `ready` once on the bus, and emits
 * `emit` N CURSOR_STATE events on request, replying once they are in the core.
 */
import { FleetBridge } from '../../src/main/fleet';
import { ALL_ENDPOINTS } from '../../src/main/core';
import { ALL_CAPS, Kind, encodeCursor } from '../../src/shared/model';
import { benchServer } from './bench-server';
import { hrClock } from './hr-clock';

/** What the parent passes in argv[2] (JSON). */
export interface FleetHostArgs {
  socketPath: string;
  token: string;
  natsUrl: string;
  hostPassword: string;
  client: string;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]!) as FleetHostArgs;
  const { core, port, server } = await benchServer(a.socketPath, a.token);
  const bridge = FleetBridge.start({
    config: {
      url: a.natsUrl,
      host: 'h',
      user: 'host-h',
      password: a.hostPassword,
      users: new Map([
        [a.client, { name: a.client, principal: 2, caps: ALL_CAPS, grant: ALL_ENDPOINTS, leasePrio: 0 }],
      ]),
    },
    core,
    clock: hrClock,
    log: () => {},
    vms: () => [],
  });
  const inln = encodeCursor({ x: 1, y: 2, visible: 1, seq: 0 });
  process.on('message', (m: { emit?: number; stop?: true }) => {
    if (m.emit !== undefined) {
      for (let i = 0; i < m.emit; i++) port.emit({ kind: Kind.CURSOR_STATE, inln });
      process.send!({ emitted: m.emit });
    } else if (m.stop) {
      void bridge
        .stop()
        .then(() => server.stop())
        .then(() => process.exit(0));
    }
  });
  while (!bridge.connected) await new Promise((r) => setTimeout(r, 20));
  process.send!({ ready: true });
}

void main();
