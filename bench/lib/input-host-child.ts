/*
 * The host side of the input latency bench in a process of its own, as `vmsig serve` runs:
 * the real web host, core, INPUT adapter and QMP client, with a scripted QMP peer. Kept out
 * of the bench's process so the Playwright/CDP traffic there (every WebSocket frame of the
 * page is echoed to it) does not queue in front of the keys on the host's event loop.
 * Over IPC: `ready` with the console's URL; `qmp` with the monotonic ms of each
 * `input-send-event`; `local` sends a key from a client inside this process and answers `sent`.
 */
import { WebSocket } from 'ws';
import { keyInvokeFrame } from './key-frame';
import { Cap, Source } from '../../src/shared/model';
import { Core, maskOf } from '../../src/main/core';
import { attachVm } from '../../src/main/adapters/attach-vm';
import type { ConsoleHostPort } from '../../src/main/host/console';
import { startWebHost } from '../../src/main/serve';
import { FakeQmpServer } from '../../test/helpers/fake-qmp-server';
import { hrClock, monoMs } from './hr-clock';

/** Messages the parent sends. */
export type ToInputHost = { local: boolean } | { stop: true };
/** Messages this child sends. */
export type FromInputHost =
  { ready: { url: string; port: number; token: string } } | { qmp: number } | { sent: number };

const send = (m: FromInputHost): void => void process.send!(m);

async function main(): Promise<void> {
  const fake = await FakeQmpServer.start();
  fake.script = (cmd, conn) => {
    if (cmd.execute === 'input-send-event') send({ qmp: monoMs() });
    if (cmd.execute === 'query-status')
      return conn.reply(cmd, { status: 'running', running: true, singlestep: false });
    conn.reply(cmd);
  };
  const core = new Core({ clock: hrClock });
  const vm = await attachVm(core, { endpoint: 1, name: 'bench', qmpPath: fake.path, log: () => {} });
  const operator = {
    name: 'operator',
    principal: 1,
    caps: Cap.OBSERVE | Cap.INPUT | Cap.VM,
    grant: maskOf([1]),
    leasePrio: 10,
  };
  const host: ConsoleHostPort = {
    core,
    vms: () => [
      { id: 1, name: 'bench', kind: 'attached', state: 'attached', error: null, vnc: null, serialPath: null },
    ],
    hostOp: async () => {},
    consoleControl: () => operator,
    readiness: () => ({ qemu: null, guest: null }),
    nowNs: () => hrClock.nowNs(),
  };
  const web = await startWebHost({ host, log: () => {} });
  for (let i = 0; i < 100 && !core.seamUp(1, Source.INPUT); i++) await new Promise((r) => setTimeout(r, 50));

  // The baseline of earlier runs: a client in the host's own process, no process hop at all.
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api`, {
    headers: { Origin: `http://127.0.0.1:${web.port}` },
  });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  ws.send(JSON.stringify({ t: 'hello', token: web.token }));
  let id = 0;

  process.on('message', (m: ToInputHost) => {
    if ('local' in m) {
      const t = monoMs();
      ws.send(keyInvokeFrame(++id, m.local));
      send({ sent: t });
    } else {
      ws.close();
      void web
        .stop()
        .then(() => vm.detach())
        .then(() => fake.dispose())
        .then(() => process.exit(0));
    }
  });
  process.once('disconnect', () => process.exit(0));
  send({ ready: { url: web.url, port: web.port, token: web.token } });
}

void main().catch((e: Error) => {
  process.stderr.write(`input-host-child: ${e.message}\n`);
  process.exit(1);
});
