/*
 * A remote screen through NATS (docs/fleet.md §9): a viewer's bytes reach the owning host's
 * own relay, admitted as the control its NATS user maps to. A user whose control lacks the
 * VM in its grant is refused at open; a KeyEvent sent through the session closes it and
 * never reaches the VNC server, exactly as for a local viewer. Real nats-server, stand-in VNC.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cap, ErrorCode } from '../../src/shared/model';
import { Core, ManualClock, maskOf } from '../../src/main/core';
import { FleetBridge } from '../../src/main/fleet';
import { openSessionOn } from '../../src/main/fleet/session-link';
import { type FakeVnc, startFakeVnc } from '../helpers/fake-vnc-server';
import { NatsServer, clientUser, hostUser, natsClient, natsServerBin } from '../helpers/nats-server';
import { keyEventsFor, rfbHandshake, streamPipe } from '../helpers/rfb-client';
import { until } from '../helpers/until';

const PW = { b: 'pw-b-1', alice: 'pw-alice-2', bob: 'pw-bob-3' };
const spec = (name: string, grant: number[]) => ({
  name,
  principal: 2,
  caps: Cap.OBSERVE | Cap.INPUT,
  grant: maskOf(grant),
  leasePrio: 10,
});

describe.skipIf(!natsServerBin())('fleet screen over NATS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-screen-'));
  let nats: NatsServer;
  let vnc: FakeVnc;
  let bridge: FleetBridge;
  const clients: NatsConnection[] = [];
  const open = async (user: 'alice' | 'bob') => {
    const nc = await natsClient(nats.url, user, PW[user]);
    clients.push(nc);
    const body = new TextEncoder().encode(JSON.stringify({ display: 1 }));
    return openSessionOn(nc, { user, host: 'b', body });
  };

  beforeAll(async () => {
    nats = await NatsServer.start(dir, [
      hostUser('b', PW.b),
      clientUser('alice', PW.alice),
      clientUser('bob', PW.bob),
    ]);
    vnc = await startFakeVnc();
    const core = new Core({ clock: new ManualClock(1) });
    core.addEndpoint(1, 'demo');
    const vms = () => [{ id: 1, name: 'demo', vnc: { kind: 'unix' as const, path: vnc.path } }];
    bridge = FleetBridge.start({
      config: {
        url: nats.url,
        host: 'b',
        user: 'host-b',
        password: PW.b,
        users: new Map([
          ['alice', spec('alice-ctl', [1])],
          ['bob', spec('bob-ctl', [2])],
        ]),
      },
      core,
      clock: new ManualClock(1),
      log: () => {},
      display: { core, vms },
      vms: () => vms().map((v) => ({ id: v.id, name: v.name, state: 'running' })),
    });
    await until(() => bridge.connected);
  });

  afterAll(async () => {
    for (const nc of clients) await nc.close();
    await bridge.stop();
    await vnc.close();
    await nats.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows the VM to a user whose control has it in its grant, through B's relay", async () => {
    const p = streamPipe(await open('alice'));
    expect(await rfbHandshake(p)).toEqual({ width: vnc.width, height: vnc.height });
    // The relay forced shared=1 upstream, whatever the viewer asked.
    await until(() => vnc.sharedFlags.length === 1);
    expect(vnc.sharedFlags).toEqual([1]);
    p.close();
  });

  it('refuses a user whose control lacks the VM in its grant, at open', async () => {
    await expect(open('bob')).rejects.toMatchObject({ code: ErrorCode.GRANT });
  });

  it('closes the screen on a KeyEvent, which never reaches the VNC server', async () => {
    const p = streamPipe(await open('alice'));
    await rfbHandshake(p);
    const before = vnc.connections();
    p.send(keyEventsFor('x'));
    await p.closed;
    const received = Buffer.concat(vnc.received.slice(before - 1));
    expect(received.includes(4)).toBe(false); // message type 4: KeyEvent
  });
});
