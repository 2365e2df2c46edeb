/*
 * Shared by the wire-* and cli-* integration tests: a real Core behind a real control
 * socket, a tiny in-test adapter on endpoint 1 that acknowledges commands and records
 * what reached it, and a raw peer that speaks in hand-built bytes.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ALL_ENDPOINTS, type AdapterPort, Core, type QueueLimits, maskOf } from '../../src/main/core';
import { ControlServer, FrameDecoder, tokenAuthenticator } from '../../src/main/wire';
import type { Frame, HostRequestHandler } from '../../src/main/wire';
import {
  ALL_CAPS,
  Cap,
  Dir,
  ErrorCode,
  Kind,
  Source,
  VmState,
  type VmsigEvent,
  encodeInputHeld,
  encodeSeam,
  utf8Encode,
} from '../../src/shared/model';

export const TOKENS = {
  op: 'tok-operator',
  robot: 'tok-robot',
  weak: 'tok-weak',
  sensor: 'tok-sensor',
} as const;

const CONTROLS = [
  {
    token: TOKENS.op,
    spec: { name: 'operator', principal: 1, caps: ALL_CAPS, grant: ALL_ENDPOINTS, leasePrio: 10 },
  },
  {
    token: TOKENS.robot,
    spec: {
      name: 'robot',
      principal: 7,
      caps: Cap.OBSERVE | Cap.INPUT | Cap.VM,
      grant: maskOf([1]),
      leasePrio: 5,
    },
  },
  {
    token: TOKENS.weak,
    spec: { name: 'weak', principal: 9, caps: Cap.OBSERVE, grant: ALL_ENDPOINTS, leasePrio: 1 },
  },
  {
    token: TOKENS.sensor,
    spec: { name: 'sensor', principal: 11, caps: Cap.SENSOR | Cap.OBSERVE, grant: maskOf([1]), leasePrio: 0 },
  },
];

/** The real clock the host uses. */
export const clock = { nowNs: () => Number(process.hrtime.bigint()) };

/** Endpoint 1 ("vm-one"): INPUT, VMHOST and MEMCTX seams up; acks every command OK and records it. */
export class TestAdapter {
  readonly seen: VmsigEvent[] = [];
  /** The VMHOST seam's port, for tests that need the VM to emit events. */
  vmhost!: AdapterPort;
  constructor(core: Core) {
    core.addEndpoint(1, 'vm-one');
    core.addEndpoint(2, 'vm-two');
    for (const source of [Source.INPUT, Source.VMHOST, Source.MEMCTX]) {
      const port = core.registerAdapter({
        source,
        endpoint: 1,
        defaultPrio: 1,
        codec: 0,
        handle: (cmd) => {
          this.seen.push({
            ...cmd,
            inln: cmd.inln.slice(),
            payload: cmd.payload ? { ...cmd.payload, bytes: cmd.payload.bytes.slice() } : null,
          });
          if (cmd.kind === Kind.CMD_QUERY_INPUT)
            port.reply(cmd, { kind: Kind.INPUT_HELD, inln: encodeInputHeld([{ kind: 3, code: 42 }]) });
          else port.ack(cmd, ErrorCode.OK, cmd.kind === Kind.CMD_VM ? VmState.RUNNING : 0);
        },
      });
      if (source === Source.VMHOST) this.vmhost = port;
      port.emit({
        kind: Kind.SEAM_UP,
        inln: encodeSeam({ seam: source, reason: 0 }),
        payload: { bytes: utf8Encode('vm-one'), codec: 0, flags: 0 },
      });
    }
  }
}

/** A running server with its core and adapter. */
export interface Harness {
  core: Core;
  server: ControlServer;
  adapter: TestAdapter;
  socket: string;
  dir: string;
  stop(): Promise<void>;
}

/** Starts a core + server in a fresh temp directory. */
export async function startHarness(
  opts: {
    helloTimeoutMs?: number;
    frameDeadlineMs?: number;
    maxFrame?: number;
    queueLimits?: QueueLimits;
    /** Builds the server's host request handler (§10) on the harness's core; none by default. */
    hostRequests?: (core: Core) => HostRequestHandler;
  } = {},
): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-wire-'));
  const socket = path.join(dir, 'run', 'control.sock');
  const core = new Core({ clock, queueLimits: opts.queueLimits });
  const adapter = new TestAdapter(core);
  const server = await ControlServer.start({
    core,
    clock,
    log: () => {},
    socketPath: socket,
    authenticate: tokenAuthenticator(CONTROLS),
    helloTimeoutMs: opts.helloTimeoutMs,
    frameDeadlineMs: opts.frameDeadlineMs,
    maxFrame: opts.maxFrame,
    hostRequests: opts.hostRequests?.(core),
  });
  return {
    core,
    server,
    adapter,
    socket,
    dir,
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A HELLO body built field by field (not with the project's encoder). */
export function helloBytes(token: string, name = 'test', vmin = 1, vmax = 1): Buffer {
  const t = Buffer.from(token);
  const n = Buffer.from(name);
  const b = Buffer.alloc(8);
  b.writeUInt16LE(vmin, 0);
  b.writeUInt16LE(vmax, 2);
  b.writeUInt16LE(t.length, 4);
  b.writeUInt16LE(n.length, 6);
  return Buffer.concat([b, t, n]);
}

/** A whole frame built by hand. */
export function frameBytes(type: number, body: Uint8Array, flags = 0, len = body.length): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(len, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  return Buffer.concat([h, body]);
}

/** An EVENT body built by hand; `reserved` is where the header keeps origin (must be ignored). */
export function eventBytes(e: {
  kind: number;
  source?: number;
  dir?: number;
  prio?: number;
  endpoint?: number;
  seq?: number;
  corr?: number;
  reserved?: number;
  tsNs?: bigint;
  inln?: Uint8Array;
  payload?: Uint8Array;
}): Buffer {
  const b = Buffer.alloc(96);
  b.writeUInt32LE(e.kind, 0);
  b.writeUInt32LE(e.source ?? Source.CONTROL, 4);
  b.writeUInt32LE(e.dir ?? Dir.DOWN, 8);
  b.writeUInt32LE(e.prio ?? 1, 12);
  b.writeUInt32LE(e.endpoint ?? 1, 16);
  b.writeUInt32LE(e.seq ?? 0, 20);
  b.writeUInt32LE(e.corr ?? 0, 24);
  b.writeUInt32LE(e.reserved ?? 0, 28);
  b.writeBigUInt64LE(e.tsNs ?? 0n, 32);
  if (e.inln) b.set(e.inln.subarray(0, 48), 48);
  return e.payload ? Buffer.concat([b, e.payload]) : b;
}

/** A raw connection that records every frame the server sends and when it closed. */
export class RawPeer {
  readonly frames: Frame[] = [];
  readonly closed: Promise<void>;
  bytesRead = 0;
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: net.Socket) {
    const d = new FrameDecoder((1 << 20) + 65536);
    socket.on('data', (c: Buffer) => {
      this.bytesRead += c.length;
      d.push(c, (f) => {
        this.frames.push({ type: f.type, body: Uint8Array.from(f.body) });
        for (const w of this.waiters.splice(0)) w();
      });
    });
    socket.on('error', () => {});
    this.closed = new Promise((r) => socket.on('close', () => r()));
  }

  static connect(p: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(p, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  send(b: Uint8Array): void {
    this.socket.write(b);
  }

  /** Waits for the first frame (after `from`) matching `pred`. */
  async waitFrame(pred: (f: Frame) => boolean, timeoutMs = 3000, from = 0): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.slice(from).find(pred);
      if (f) return f;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching frame within ${timeoutMs} ms (got types ${this.frames.map((x) => x.type).join(',')})`,
        );
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Whether the connection closes within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    return Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
    ]);
  }
}

/** Code of an ERROR frame body. */
export const errorCode = (f: Frame): number => Buffer.from(f.body).readUInt32LE(0);

/** Decoded fields of an EVENT frame body. */
export function eventFields(f: Frame): {
  kind: number;
  source: number;
  dir: number;
  endpoint: number;
  seq: number;
  corr: number;
  reserved: number;
  tsNs: bigint;
  inln: Buffer;
} {
  const b = Buffer.from(f.body);
  return {
    kind: b.readUInt32LE(0),
    source: b.readUInt32LE(4),
    dir: b.readUInt32LE(8),
    endpoint: b.readUInt32LE(16),
    seq: b.readUInt32LE(20),
    corr: b.readUInt32LE(24),
    reserved: b.readUInt32LE(28),
    tsNs: b.readBigUInt64LE(32),
    inln: b.subarray(48, 96),
  };
}
