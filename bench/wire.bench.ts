/*
 * The control socket's delivery rate: 96-byte events from the core to 1 and 8 socket
 * clients, beside (a) a raw Node Unix-socket writer pushing the same frames (the ceiling)
 * and (b) nats-server fanning the same 96-byte messages to as many subscribers (the peer);
 * plus the command → ACT_ACK round trip over the socket beside a PING/PONG round trip.
 * Producers are flow-controlled (nothing is dropped), so every figure is a sustained rate.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect as natsConnect } from '@nats-io/transport-node';
import { allEvents, maskOf } from '../src/main/core';
import {
  FrameDecoder,
  FrameType,
  WireClient,
  encodeFrame,
  encodeHello,
  encodeSubscribe,
  writeHeader,
} from '../src/main/wire';
import { Kind, Source, VmOp, encodeCursor, encodeOp, makeEvent, writeEventBody } from '../src/shared/model';
import { nowNs, secondsSince } from './lib/hr-clock';
import { benchServer } from './lib/bench-server';
import type { Reporter } from './lib/reporter';

const FANOUT = [1, 8] as const;
const EVENTS = { 1: 200_000, 8: 60_000 } as const;
const ROUNDS = 3;
const FRAME = 8 + 96;
const TOKEN = 'bench-token';
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Counts the EVENT frames of one kind arriving on a socket. */
function countingReader(socket: net.Socket, kind: number): { count: () => number } {
  let n = 0;
  const d = new FrameDecoder(1 << 21);
  socket.on('data', (c: Buffer) =>
    d.push(c, (f) => {
      if (f.type === FrameType.EVENT && f.body[0] === kind) n++;
    }),
  );
  return { count: () => n };
}

async function untilAll(counts: (() => number)[], total: number): Promise<void> {
  while (counts.some((c) => c() < total)) await new Promise((r) => setTimeout(r, 1));
}

async function coreToSockets(n: number, total: number, dir: string): Promise<number> {
  const { core, port, server } = await benchServer(path.join(dir, `core-${n}.sock`), TOKEN);
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Socket>((r) => {
          const s = net.connect(server.socketPath, () => r(s));
        }),
    ),
  );
  const readers = sockets.map((s) => countingReader(s, Kind.CURSOR_STATE));
  for (const s of sockets) {
    s.write(
      encodeFrame(
        FrameType.HELLO,
        encodeHello({ versionMin: 1, versionMax: 1, token: TOKEN, name: 'bench' }),
      ),
    );
    s.write(encodeFrame(FrameType.SUBSCRIBE, encodeSubscribe(allEvents(maskOf([1])))));
  }
  while (core.controls().length < n) await tick();
  const ids = core.controls().map((c) => c.id);
  const inln = encodeCursor({ x: 1, y: 2, visible: 1, seq: 0 });
  const start = nowNs();
  let emitted = 0;
  while (emitted < total) {
    // Keep every control's NORMAL queue (4096) well fed but never overflowing: nothing is dropped.
    let most = 0;
    for (const id of ids) most = Math.max(most, core.pending(id));
    for (let room = 3072 - most; room > 0 && emitted < total; room--, emitted++) {
      port.emit({ kind: Kind.CURSOR_STATE, inln });
    }
    await tick();
  }
  await untilAll(
    readers.map((r) => r.count),
    total,
  );
  const rate = total / secondsSince(start);
  for (const s of sockets) s.destroy();
  await server.stop();
  return rate;
}

async function rawSockets(n: number, total: number, dir: string): Promise<number> {
  const batch = Buffer.alloc(FRAME * 512);
  const ev = makeEvent({
    kind: Kind.CURSOR_STATE,
    source: Source.VMHOST,
    inln: encodeCursor({ x: 1, y: 2, visible: 1, seq: 0 }),
  });
  for (let i = 0; i < 512; i++) {
    writeHeader(batch, i * FRAME, FrameType.EVENT, 96);
    writeEventBody(ev, batch, i * FRAME + 8);
  }
  const conns: net.Socket[] = [];
  const server = net.createServer((s) => conns.push(s));
  const p = path.join(dir, `raw-${n}.sock`);
  await new Promise<void>((r) => server.listen(p, r));
  const clients = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Socket>((r) => {
          const s = net.connect(p, () => r(s));
        }),
    ),
  );
  const readers = clients.map((s) => countingReader(s, Kind.CURSOR_STATE));
  while (conns.length < n) await tick();
  const start = nowNs();
  await Promise.all(
    conns.map(async (s) => {
      for (let sent = 0; sent < total; sent += 512) {
        if (!s.write(sent + 512 <= total ? batch : batch.subarray(0, (total - sent) * FRAME)))
          await new Promise((r) => s.once('drain', r));
      }
    }),
  );
  await untilAll(
    readers.map((r) => r.count),
    total,
  );
  const rate = total / secondsSince(start);
  for (const s of [...clients, ...conns]) s.destroy();
  await new Promise((r) => server.close(r));
  return rate;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startNats(): Promise<{ proc: ChildProcess; port: number }> {
  const port = await freePort();
  const proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const end = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (up) return { proc, port };
    if (Date.now() > end) throw new Error('nats-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function natsFanout(port: number, n: number, total: number): Promise<number> {
  const servers = `127.0.0.1:${port}`;
  const subs = await Promise.all(Array.from({ length: n }, () => natsConnect({ servers })));
  const counts = subs.map((nc) => {
    let c = 0;
    nc.subscribe('bench.ev', { callback: () => void c++ });
    return () => c;
  });
  await Promise.all(subs.map((nc) => nc.flush()));
  const pub = await natsConnect({ servers });
  const payload = new Uint8Array(96);
  const start = nowNs();
  for (let sent = 0; sent < total;) {
    for (let i = 0; i < 512 && sent < total; i++, sent++) pub.publish('bench.ev', payload);
    await pub.flush();
    while (counts.some((c) => c() < sent - 4096)) await tick(); // same bounded backlog as the core run
  }
  await untilAll(counts, total);
  const rate = total / secondsSince(start);
  await Promise.all([...subs, pub].map((nc) => nc.close()));
  return rate;
}

async function roundTrips(dir: string): Promise<{ ack: number[]; ping: number[] }> {
  const { server } = await benchServer(path.join(dir, 'rtt.sock'), TOKEN);
  const c = await WireClient.connect(server.socketPath);
  await c.hello(TOKEN, 'rtt');
  const ack: number[] = [];
  const ping: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t0 = nowNs();
    await c.request({ kind: Kind.CMD_VM, endpoint: 1, inln: encodeOp({ op: VmOp.QUERY }) });
    const t1 = nowNs();
    await c.ping();
    const t2 = nowNs();
    if (i >= 300) {
      ack.push(Number(t1 - t0) / 1000);
      ping.push(Number(t2 - t1) / 1000);
    }
  }
  await c.close();
  await server.stop();
  return { ack, ping };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Runs every measurement and reports it. */
export async function run(report: Reporter): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-bench-wire-'));
  const nats = await startNats();
  try {
    for (const n of FANOUT) {
      const total = EVENTS[n];
      // Best of ROUNDS, interleaved, so a load spike from other processes hits all three alike.
      let [ours, raw, peer] = [0, 0, 0];
      for (let r = 0; r < ROUNDS; r++) {
        ours = Math.max(ours, await coreToSockets(n, total, dir));
        raw = Math.max(raw, await rawSockets(n, total, dir));
        peer = Math.max(peer, await natsFanout(nats.port, n, total));
      }
      const note = `best of ${ROUNDS}`;
      report(
        `wire.core_to_${n}_clients`,
        ours,
        'events/s',
        `96-byte events to each of ${n} socket client(s), none dropped; ${note}`,
      );
      report(
        `wire.raw_unix_${n}_clients`,
        raw,
        'events/s',
        `ceiling: raw Node Unix-socket writer, same frames; ${note}`,
      );
      report(
        `wire.nats_${n}_subscribers`,
        peer,
        'msgs/s',
        `peer: nats-server fan-out of 96-byte messages; ${note}`,
      );
      report(`wire.ratio_vs_raw_${n}`, ours / raw, 'x', 'core-to-socket / raw ceiling');
      report(`wire.ratio_vs_nats_${n}`, ours / peer, 'x', 'core-to-socket / nats-server');
    }
    const rt = await roundTrips(dir);
    report(
      'wire.cmd_ack_rtt_median',
      quantile(rt.ack, 0.5),
      'µs',
      `CMD_VM → ACT_ACK over the socket; PING/PONG median ${quantile(rt.ping, 0.5).toFixed(1)} µs`,
    );
    report(
      'wire.cmd_ack_rtt_p99',
      quantile(rt.ack, 0.99),
      'µs',
      `PING/PONG p99 ${quantile(rt.ping, 0.99).toFixed(1)} µs`,
    );
  } finally {
    nats.proc.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
