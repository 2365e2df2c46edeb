/*
 * A fleet on one machine for the e2e suite (docs/fleet.md): a real nats-server with a user
 * per host and one for console A, host B (`vmsig serve --nats`, the tiny guest) and host A
 * (no VMs, the page's host, with the console's own NATS identity). Each is stopped by PID.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NatsServer, clientUser, hostUser } from '../../test/helpers/nats-server';
import { type RunningHost, OPERATOR_CONTROL, startHost, writeConfig } from './host';

const PW = { a: 'pw-host-a-0001', b: 'pw-host-b-0002', console: 'pw-console-a-0003' };
/** Console A's NATS user: B maps it to its operator control, so B's leases decide. */
export const CONSOLE_USER = 'console-a';

function withNats(file: string, nats: object): string {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify({ ...doc, nats }, null, 2), { mode: 0o600 });
  return file;
}

function secret(dir: string, name: string, value: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, value, { mode: 0o600 });
  return file;
}

/** The running fleet. */
export interface Fleet {
  nats: NatsServer;
  a: RunningHost;
  b: RunningHost;
  stop(): Promise<void>;
}

/** Starts nats-server, then B (waits for its guest), then A. */
export async function startFleet(): Promise<Fleet> {
  const natsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-nats-'));
  const nats = await NatsServer.start(natsDir, [
    hostUser('a', PW.a),
    hostUser('b', PW.b),
    clientUser(CONSOLE_USER, PW.console),
  ]);
  const started: RunningHost[] = [];
  try {
    const b = await startHost(['--nats', nats.url], {
      config: (dir) =>
        withNats(writeConfig(dir), {
          url: nats.url,
          host: 'b',
          user: 'host-b',
          passwordFile: secret(dir, 'nats.pw', PW.b),
          users: { [CONSOLE_USER]: OPERATOR_CONTROL.name },
        }),
    });
    started.push(b);
    const a = await startHost(['--nats', nats.url], {
      guest: false,
      config: (dir) => {
        const file = path.join(dir, 'config.json');
        const doc = {
          socket: path.join(dir, 'control.sock'),
          vms: [],
          controls: [OPERATOR_CONTROL],
          journal: { dir: path.join(dir, 'journal') },
        };
        fs.writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
        return withNats(file, {
          url: nats.url,
          host: 'a',
          user: 'host-a',
          passwordFile: secret(dir, 'nats.pw', PW.a),
          users: {},
          console: { user: CONSOLE_USER, passwordFile: secret(dir, 'console.pw', PW.console) },
        });
      },
    });
    started.push(a);
    return {
      nats,
      a,
      b,
      async stop() {
        for (const h of started) await h.stop();
        await nats.stop();
        fs.rmSync(natsDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const h of started) await h.stop();
    await nats.stop();
    fs.rmSync(natsDir, { recursive: true, force: true });
    throw e;
  }
}
