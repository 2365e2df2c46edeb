/*
 * Byte budgets on delivery queues (issue 10 item 7, protocol §10): an observer that never
 * reads cannot make the host hold more than its class budget of other controls' 64 KiB
 * payloads. NORMAL drops the oldest and reports DROPPED; HIGH disconnects SLOW_CONSUMER.
 * Before, both queues took 4096 events whatever their size (256 MiB of memory writes).
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, allEvents } from '../../src/main/core';
import { FrameDecoder, WireClient } from '../../src/main/wire';
import { encodeSubscribe } from '../../src/main/wire/frame-bodies';
import { FrameType } from '../../src/main/wire/frame-header';
import {
  ErrorCode,
  Kind,
  LeaseClass,
  MEMWRITE_MAX,
  MemWriteFlag,
  Prio,
  decodeActAck,
  decodeErrorInl,
  encodeLeaseReq,
  encodeMemWrite,
} from '../../src/shared/model';
import {
  type Harness,
  TOKENS,
  errorCode,
  frameBytes,
  helloBytes,
  startHarness,
} from '../helpers/wire-harness';
import { until } from '../helpers/until';

/** The default NORMAL and HIGH byte budgets (DEFAULT_QUEUE_BYTES), written out so the test also runs on code without them. */
const CLASS_BUDGET = 16 * 1024 * 1024;
const WRITES = 600; // 600 × 64 KiB = 37.5 MiB: well past every class budget, far below 4096 events

/** An observer subscribed to everything that reads nothing until `readAll`. */
async function idleObserver(socketPath: string) {
  const s = net.connect(socketPath);
  await new Promise<void>((r) => s.once('connect', () => r()));
  s.pause();
  s.write(frameBytes(FrameType.HELLO, helloBytes(TOKENS.op, 'idle')));
  s.write(frameBytes(FrameType.SUBSCRIBE, encodeSubscribe(allEvents(ALL_ENDPOINTS))));
  const closed = new Promise<void>((r) => s.on('close', () => r()));
  s.on('error', () => {});
  return {
    /** Reads everything queued for it so far (until quiet for 300 ms) and decodes it. */
    async readAll() {
      const frames: { type: number; body: Uint8Array }[] = [];
      const d = new FrameDecoder(2 << 20);
      s.on('data', (c: Buffer) =>
        d.push(c, (f) => frames.push({ type: f.type, body: Uint8Array.from(f.body) })),
      );
      s.resume();
      let last = -1;
      const quiet = (): boolean => {
        const still = last === frames.length;
        last = frames.length;
        return still;
      };
      await until(quiet, 60_000, 'the socket to go quiet for 300 ms', 300);
      return frames;
    },
    closed,
    destroy: () => s.destroy(),
  };
}

async function flood(op: WireClient, prio: number): Promise<void> {
  const lease = await op.request({
    kind: Kind.CMD_ACQUIRE,
    endpoint: 1,
    inln: encodeLeaseReq({ cls: LeaseClass.MEMWRITE, reason: 0 }),
  });
  expect(lease.kind).toBe(Kind.LEASE_GRANTED);
  const write = {
    kind: Kind.CMD_MEMWRITE,
    endpoint: 1,
    prio,
    inln: encodeMemWrite({
      gva: 0n,
      len: MEMWRITE_MAX,
      flags: MemWriteFlag.SRC_PAYLOAD,
      inlineData: new Uint8Array(),
    }),
    payload: { bytes: new Uint8Array(MEMWRITE_MAX), codec: 0, flags: 0 },
  };
  for (let i = 0; i < WRITES; i += 50) await Promise.all(Array.from({ length: 50 }, () => op.request(write)));
}

describe('byte budgets on delivery queues', () => {
  let h: Harness;
  let op: WireClient;
  beforeEach(async () => {
    h = await startHarness();
    op = await WireClient.connect(h.socket);
    await op.hello(TOKENS.op, 'writer');
  });
  afterEach(async () => {
    await op.close();
    await h.stop();
  });

  it('NORMAL: an idle observer costs at most its byte budget; the oldest are dropped and reported', async () => {
    const idle = await idleObserver(h.socket);
    await new Promise((r) => setTimeout(r, 100));
    const idleId = h.core.controls().find((c) => c.spec.name === 'operator/idle')!.id;
    await flood(op, Prio.NORMAL);
    const queued = h.core.control(idleId)!;
    const heldBytes = queued.queuedBytes;
    const frames = await idle.readAll();
    const events = frames.filter((f) => f.type === FrameType.EVENT).map((f) => Buffer.from(f.body));
    const writes = events.filter((b) => b.readUInt32LE(0) === Kind.CMD_MEMWRITE);
    const dropped = events
      .filter((b) => b.readUInt32LE(0) === Kind.ERROR)
      .map((b) => decodeErrorInl(b.subarray(48, 96)))
      .filter((e) => e.code === ErrorCode.DROPPED);
    // What reached it: its budget plus what the socket buffers held before it stopped reading.
    expect(writes.length * MEMWRITE_MAX).toBeLessThan(CLASS_BUDGET + 4 * 1024 * 1024);
    // Their acks (NORMAL too) were evicted along with them: every event missing is counted.
    const acks = events.filter(
      (b) =>
        b.readUInt32LE(0) === Kind.ACT_ACK && decodeActAck(b.subarray(48, 96)).cmdKind === Kind.CMD_MEMWRITE,
    );
    expect(dropped.reduce((n, e) => n + e.detail, 0)).toBe(2 * WRITES - writes.length - acks.length);
    expect(writes.length).toBeLessThan(WRITES / 2);
    expect(queued.droppedTotal).toBeGreaterThan(0);
    expect(heldBytes).toBeLessThanOrEqual(CLASS_BUDGET);
    idle.destroy();
  });

  it('HIGH: an idle observer over its byte budget is disconnected SLOW_CONSUMER; the writer is not', async () => {
    const idle = await idleObserver(h.socket);
    await new Promise((r) => setTimeout(r, 100));
    await flood(op, Prio.HIGH);
    const frames = await idle.readAll();
    const last = frames.at(-1)!;
    expect(last.type === FrameType.ERROR ? errorCode(last) : `frame type ${last.type}`).toBe(
      ErrorCode.SLOW_CONSUMER,
    );
    await idle.closed;
    await op.ping();
  });
});
