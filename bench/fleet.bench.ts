/*
 * The fleet over NATS (docs/fleet.md §8) against the local socket, in the same run: 96-byte
 * events fanned out from one host's core to 1 and 8 consoles, each console a session
 * through the host's bridge and a real nats-server (with authentication), beside the same
 * consoles on the Unix socket; and the command → ACT_ACK round trip both ways. Producers
 * send in windows and wait for every console to have the window, so nothing is dropped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allEvents, maskOf } from '../src/main/core';
import { FleetBridge } from '../src/main/fleet';
import { openFleetSession } from '../src/main/fleet/client-session';
import { WireClient } from '../src/main/wire';
import { ALL_CAPS, Kind, VmOp, encodeCursor, encodeOp } from '../src/shared/model';
import { ALL_ENDPOINTS } from '../src/main/core';
import { NatsServer, clientUser, hostUser } from '../test/helpers/nats-server';
import { benchServer } from './lib/bench-server';
import { hrClock, nowNs, secondsSince } from './lib/hr-clock';
import type { Reporter } from './lib/reporter';

const TOKEN = 'bench-token';
const EVENTS = 20_000;
const WINDOW = 1000;
const RTT_ROUNDS = 500;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Events/s from the core to every client, windowed; clients already said HELLO. */
async function fanout(emit: () => void, clients: WireClient[]): Promise<number> {
  const counts = clients.map(() => 0);
  clients.forEach((c, i) => c.onEvent((ev) => void (ev.kind === Kind.CURSOR_STATE && counts[i]!++)));
  for (const c of clients) c.subscribe(allEvents(maskOf([1])));
  for (const c of clients) await c.ping(); // subscribed everywhere before the clock starts
  const start = nowNs();
  for (let sent = 0; sent < EVENTS;) {
    for (let i = 0; i < WINDOW; i++, sent++) emit();
    while (counts.some((n) => n < sent)) await new Promise((r) => setTimeout(r, 1));
  }
  return EVENTS / secondsSince(start);
}

async function rtt(c: WireClient): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RTT_ROUNDS; i++) {
    const t0 = nowNs();
    await c.request({ kind: Kind.CMD_VM, endpoint: 1, inln: encodeOp({ op: VmOp.QUERY }) });
    if (i >= 50) out.push(Number(nowNs() - t0) / 1000);
  }
  return out;
}

/** Runs every measurement and reports it. */
export async function run(report: Reporter): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-bench-fleet-'));
  const nats = await NatsServer.start(dir, [hostUser('h', 'pw-h'), clientUser('bench', 'pw-bench')]);
  const { core, port, server } = await benchServer(path.join(dir, 'fleet.sock'), TOKEN);
  const bridge = FleetBridge.start({
    config: {
      url: nats.url,
      host: 'h',
      user: 'host-h',
      password: 'pw-h',
      users: new Map([
        ['bench', { name: 'bench', principal: 2, caps: ALL_CAPS, grant: ALL_ENDPOINTS, leasePrio: 0 }],
      ]),
    },
    core,
    clock: hrClock,
    log: () => {},
    vms: () => [],
  });
  const inln = encodeCursor({ x: 1, y: 2, visible: 1, seq: 0 });
  const emit = (): void => void port.emit({ kind: Kind.CURSOR_STATE, inln });
  const remote = (): Promise<WireClient> =>
    openFleetSession({ url: nats.url, host: 'h', user: 'bench', pass: 'pw-bench' }).then(async (c) => {
      await c.hello('', 'bench');
      return c;
    });
  const local = async (): Promise<WireClient> => {
    const c = await WireClient.connect(server.socketPath);
    await c.hello(TOKEN, 'bench');
    return c;
  };
  try {
    while (!bridge.connected) await new Promise((r) => setTimeout(r, 20));
    for (const n of [1, 8]) {
      for (const [name, open] of [
        ['socket', local],
        ['nats', remote],
      ] as const) {
        const clients = await Promise.all(Array.from({ length: n }, open));
        const rate = await fanout(emit, clients);
        await Promise.all(clients.map((c) => c.close()));
        report(
          `fleet.${name}_${n}_consoles`,
          rate,
          'events/s',
          `96-byte events to each of ${n} console(s) ${name === 'nats' ? 'through the bridge and nats-server' : 'on the Unix socket'}; windows of ${WINDOW}`,
        );
      }
    }
    for (const [name, open] of [
      ['socket', local],
      ['nats', remote],
    ] as const) {
      const c = await open();
      const xs = await rtt(c);
      await c.close();
      report(
        `fleet.cmd_rtt_${name}_median`,
        quantile(xs, 0.5),
        'µs',
        `CMD_VM → ACT_ACK, ${name}; p99 ${quantile(xs, 0.99).toFixed(0)} µs`,
      );
    }
  } finally {
    await bridge.stop();
    await server.stop();
    await nats.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
