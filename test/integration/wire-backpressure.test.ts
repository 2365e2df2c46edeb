/*
 * A client that never reads: the server's memory stays bounded (the socket is written only
 * while it accepts bytes; the rest waits in the core's bounded queues), BULK/NORMAL overflow
 * is reported as DROPPED, HIGH/URGENT overflow disconnects with SLOW_CONSUMER.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, Kind, Prio, encodeCursor } from '../../src/shared/model';
import {
  type Harness,
  RawPeer,
  TOKENS,
  errorCode,
  eventFields,
  frameBytes,
  helloBytes,
  startHarness,
} from '../helpers/wire-harness';

const LIMIT = 64;
const FLOOD = 100_000;
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ queueLimits: [LIMIT, LIMIT, LIMIT, LIMIT] });
});
afterEach(async () => h.stop());

async function stalledSubscriber(): Promise<{ peer: RawPeer; id: number }> {
  const peer = await RawPeer.connect(h.socket);
  peer.send(frameBytes(1, helloBytes(TOKENS.weak)));
  const w = await peer.waitFrame((f) => f.type === 2);
  const sub = Buffer.alloc(40);
  sub.fill(0xff, 0, 24);
  sub.fill(0xff, 32, 40);
  sub.writeUInt32LE(0, 24);
  peer.send(frameBytes(4, sub));
  await new Promise((r) => setTimeout(r, 50));
  peer.socket.pause(); // from here on the client reads nothing
  return { peer, id: Buffer.from(w.body).readUInt32LE(4) };
}

/** Emits `n` cursor events of `prio` from the VM, yielding to the event loop so the server can write. */
async function flood(n: number, prio: number): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    for (let k = 0; k < 500; k++)
      h.adapter.vmhost.emit({
        kind: Kind.CURSOR_STATE,
        prio,
        inln: encodeCursor({ x: i + k, y: 0, visible: 1, seq: i + k }),
      });
    await new Promise((r) => setImmediate(r));
  }
}

describe('slow consumers', () => {
  it('NORMAL overflow drops the oldest, keeps the client, and tells it DROPPED; bytes in flight stay bounded', async () => {
    const { peer, id } = await stalledSubscriber();
    await flood(FLOOD, Prio.NORMAL);
    const c = h.core.control(id);
    expect(c).toBeDefined();
    expect(h.core.pending(id)).toBeLessThanOrEqual(LIMIT * 4);
    expect(c!.droppedTotal).toBeGreaterThan(FLOOD / 2);
    peer.socket.resume();
    const drop = await peer.waitFrame((f) => f.type === 3 && eventFields(f).kind === Kind.ERROR, 5000);
    expect(eventFields(drop).inln.readUInt32LE(0)).toBe(ErrorCode.DROPPED);
    expect(eventFields(drop).inln.readUInt32LE(4)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    // 100 000 events are 10.4 MB on the wire; what reached the client is what the kernel
    // and one socket buffer held plus the bounded queues, nowhere near that.
    expect(peer.bytesRead).toBeLessThan(3 * 1024 * 1024);
    expect(peer.frames.filter((f) => f.type === 3).length).toBeLessThan(FLOOD / 4);
    peer.socket.destroy();
  });

  it('HIGH overflow disconnects the client with SLOW_CONSUMER and frees its place at once', async () => {
    const { peer, id } = await stalledSubscriber();
    await flood(20_000, Prio.HIGH);
    expect(h.core.control(id)).toBeUndefined();
    peer.socket.resume();
    const err = await peer.waitFrame((f) => f.type === 5, 5000);
    expect(errorCode(err)).toBe(ErrorCode.SLOW_CONSUMER);
    expect(await peer.closesWithin(3000)).toBe(true);
  });
});
