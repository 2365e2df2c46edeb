/*
 * The fleet over NATS (docs/fleet.md §8) against the local socket, in the same run: 96-byte
 * events fanned out from one host's core to 1 and 8 consoles, each console a session
 * through the host's bridge and a real nats-server (with authentication), beside the same
 * consoles on the Unix socket and beside watchers of the fleet feed (`evt`, one publish
 * fanned out by the server); and the command → ACT_ACK round trip both ways. Producers
 * send in windows and wait for every console to have the window, so nothing is dropped.
 * The host runs in a process of its own, the consoles in this one, as from another machine
 * (loopback, one shared machine: the figures are ratios of one run, not a network's).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { allEvents, maskOf } from '../src/main/core';
import { openFleetSession } from '../src/main/fleet/client-session';
import { eventSubject } from '../src/main/fleet/subjects';
import { WireClient } from '../src/main/wire';
import { Kind, VmOp, encodeOp } from '../src/shared/model';
import { NatsServer, clientUser, hostUser, natsClient } from '../test/helpers/nats-server';
import type { FleetHostArgs } from './lib/fleet-host-child';
import { nowNs, secondsSince } from './lib/hr-clock';
import type { Reporter } from './lib/reporter';

const TOKEN = 'bench-token';
const EVENTS = 20_000;
const WINDOW = 1000;
const RTT_ROUNDS = 500;

/** Has the host's core emit N events; resolves once they are in. */
type Emit = (n: number) => Promise<void>;

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Events/s from the core to every client, windowed; clients already said HELLO. */
async function fanout(emit: Emit, clients: WireClient[]): Promise<number> {
  const counts = clients.map(() => 0);
  clients.forEach((c, i) => c.onEvent((ev) => void (ev.kind === Kind.CURSOR_STATE && counts[i]!++)));
  for (const c of clients) c.subscribe(allEvents(maskOf([1])));
  for (const c of clients) await c.ping(); // subscribed everywhere before the clock starts
  return windowed(emit, counts);
}

/** Events/s from the core to `n` plain NATS subscribers of the fleet feed's CURSOR_STATE subject. */
async function feedFanout(emit: Emit, n: number, open: () => Promise<NatsConnection>): Promise<number> {
  const conns = await Promise.all(Array.from({ length: n }, open));
  const counts = conns.map(() => 0);
  try {
    conns.forEach((nc, i) =>
      nc.subscribe(eventSubject('h', 1, Kind.CURSOR_STATE), { callback: () => void counts[i]!++ }),
    );
    await Promise.all(conns.map((nc) => nc.flush()));
    return await windowed(emit, counts);
  } finally {
    await Promise.all(conns.map((nc) => nc.close()));
  }
}

/** Emits EVENTS in windows of WINDOW, each awaited at every counter; events/s. */
async function windowed(emit: Emit, counts: number[]): Promise<number> {
  const start = nowNs();
  for (let sent = 0; sent < EVENTS;) {
    await emit(WINDOW);
    sent += WINDOW;
    const stallAt = Date.now() + 10_000;
    while (counts.some((n) => n < sent)) {
      // Core NATS drops for a slow subscriber: say so instead of waiting forever.
      if (Date.now() > stallAt) throw new Error(`events lost: sent ${sent}, received ${counts.join(', ')}`);
      await new Promise((r) => setTimeout(r, 1));
    }
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

/** The host in a child process (bench/lib/fleet-host-child.ts); `emit` resolves once the events are in its core. */
async function startHost(
  args: FleetHostArgs,
): Promise<{ emit(n: number): Promise<void>; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'lib/fleet-host-child.ts'), JSON.stringify(args)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let waiter: (() => void) | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fleet bench host exited ${code}`)));
    child.on('message', (m: { ready?: true; emitted?: number }) => {
      if (m.ready) resolve();
      else if (m.emitted !== undefined) waiter?.();
    });
  });
  await ready;
  return {
    emit: (n) =>
      new Promise<void>((r) => {
        waiter = r;
        child.send({ emit: n });
      }),
    async stop() {
      if (child.exitCode === null) child.send({ stop: true });
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs every measurement and reports it. */
export async function run(report: Reporter): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-bench-fleet-'));
  const nats = await NatsServer.start(dir, [hostUser('h', 'pw-h'), clientUser('bench', 'pw-bench')]);
  const socketPath = path.join(dir, 'fleet.sock');
  const host = await startHost({
    socketPath,
    token: TOKEN,
    natsUrl: nats.url,
    hostPassword: 'pw-h',
    client: 'bench',
  }).catch(async (e: unknown) => {
    await nats.stop();
    throw e;
  });
  const emit = (n: number): Promise<void> => host.emit(n);
  const remote = (): Promise<WireClient> =>
    openFleetSession({ url: nats.url, host: 'h', user: 'bench', pass: 'pw-bench' }).then(async (c) => {
      await c.hello('', 'bench');
      return c;
    });
  const local = async (): Promise<WireClient> => {
    const c = await WireClient.connect(socketPath);
    await c.hello(TOKEN, 'bench');
    return c;
  };
  try {
    const times = (x: number, base: number): string => `${(x / base).toFixed(2)}× the socket's ${fmt(base)}`;
    // One untimed round of each path first: the first run of a path pays for JIT and connection warm-up.
    for (const open of [local, remote]) {
      const c = await open();
      await fanout(emit, [c]);
      await c.close();
    }
    for (const n of [1, 8]) {
      const rate: Record<string, number> = {};
      for (const [name, open] of [
        ['socket', local],
        ['nats', remote],
      ] as const) {
        const clients = await Promise.all(Array.from({ length: n }, open));
        rate[name] = await fanout(emit, clients);
        await Promise.all(clients.map((c) => c.close()));
      }
      rate.feed = await feedFanout(emit, n, () => natsClient(nats.url, 'bench', 'pw-bench'));
      const each = n === 1 ? '1 console' : `each of ${n} consoles`;
      report(
        `fleet.socket_${n}_consoles`,
        rate.socket!,
        'events/s',
        `96-byte events to ${each} on the Unix socket (baseline); windows of ${WINDOW}`,
      );
      report(
        `fleet.nats_${n}_consoles`,
        rate.nats!,
        'events/s',
        `to ${each}, a session each through the bridge and nats-server; ${times(rate.nats!, rate.socket!)}`,
      );
      report(
        `fleet.feed_${n}_watchers`,
        rate.feed!,
        'events/s',
        `to ${each.replace('console', 'watcher')} of the fleet feed (one publish, fanned out by nats-server); ${times(rate.feed!, rate.socket!)}`,
      );
    }
    const rtts: Record<string, number[]> = {};
    for (const [name, open] of [
      ['socket', local],
      ['nats', remote],
    ] as const) {
      const c = await open();
      rtts[name] = await rtt(c);
      await c.close();
    }
    const base = quantile(rtts.socket!, 0.5);
    report(
      'fleet.cmd_rtt_socket_median',
      base,
      'µs',
      `CMD_VM → ACT_ACK on the Unix socket (baseline); p99 ${quantile(rtts.socket!, 0.99).toFixed(0)} µs`,
    );
    const med = quantile(rtts.nats!, 0.5);
    report(
      'fleet.cmd_rtt_nats_median',
      med,
      'µs',
      `CMD_VM → ACT_ACK from another host's client through nats-server and the bridge; ${(med / base).toFixed(2)}× the socket's median; p99 ${quantile(rtts.nats!, 0.99).toFixed(0)} µs`,
    );
  } finally {
    await host.stop();
    await nats.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
