/* Protocol v1 conformance from the bytes up: handshake, every frame error, timeouts, KIND, forged stamps, gate. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cap, Dir, ErrorCode, InputKind, Kind, Source, encodeInput, encodeOp } from '../../src/shared/model';
import {
  type Harness,
  RawPeer,
  TOKENS,
  errorCode,
  eventBytes,
  eventFields,
  frameBytes,
  helloBytes,
  startHarness,
} from '../helpers/wire-harness';

const F = { HELLO: 1, WELCOME: 2, EVENT: 3, SUBSCRIBE: 4, ERROR: 5, PING: 6, PONG: 7 };
const ping = (n: number): Buffer => frameBytes(F.PING, Buffer.from([n, 0, 0, 0, 0, 0, 0, 0]));
const subscribeAll = (): Buffer => {
  const b = Buffer.alloc(40, 0);
  b.fill(0xff, 0, 24); // all kinds, sources, dirs
  b.writeUInt32LE(0, 24);
  b.fill(0xff, 32, 40);
  return frameBytes(F.SUBSCRIBE, b);
};

let h: Harness;
afterEach(async () => h.stop());

async function hello(token: string): Promise<RawPeer> {
  const p = await RawPeer.connect(h.socket);
  p.send(frameBytes(F.HELLO, helloBytes(token)));
  await p.waitFrame((f) => f.type === F.WELCOME);
  return p;
}

async function expectFatal(p: RawPeer, code: number): Promise<void> {
  const f = await p.waitFrame((x) => x.type === F.ERROR);
  expect(errorCode(f)).toBe(code);
  expect(await p.closesWithin(3000)).toBe(true);
}

describe('handshake and frame errors', () => {
  beforeEach(async () => {
    h = await startHarness({ helloTimeoutMs: 300, frameDeadlineMs: 600 });
  });

  it('answers HELLO with a 40-byte WELCOME carrying the configured identity', async () => {
    const p = await hello(TOKENS.robot);
    const w = Buffer.from(p.frames[0]!.body);
    expect(w.length).toBe(40);
    expect(w.readUInt16LE(0)).toBe(1);
    expect(w.readUInt32LE(4)).not.toBe(0);
    expect(w.readUInt32LE(8)).toBe(7); // principal
    expect(w.readUInt32LE(12)).toBe(Cap.OBSERVE | Cap.INPUT | Cap.VM);
    expect(w.readBigUInt64LE(16)).toBe(0b10n);
    expect(w.readUInt32LE(24)).toBe(5);
    expect(w.readUInt32LE(28)).toBe(1 << 20);
    expect(w.readBigUInt64LE(32)).toBeGreaterThan(0n);
    p.socket.destroy();
  });

  it('picks version 1 from an overlapping range, refuses no overlap with BAD_VERSION', async () => {
    const ok = await RawPeer.connect(h.socket);
    ok.send(frameBytes(F.HELLO, helloBytes(TOKENS.op, 'x', 0, 9)));
    expect(Buffer.from((await ok.waitFrame((f) => f.type === F.WELCOME)).body).readUInt16LE(0)).toBe(1);
    const bad = await RawPeer.connect(h.socket);
    bad.send(frameBytes(F.HELLO, helloBytes(TOKENS.op, 'x', 2, 5)));
    await expectFatal(bad, ErrorCode.BAD_VERSION);
    ok.socket.destroy();
  });

  it('refuses a bad token with AUTH', async () => {
    const p = await RawPeer.connect(h.socket);
    p.send(frameBytes(F.HELLO, helloBytes('nope')));
    await expectFatal(p, ErrorCode.AUTH);
  });

  it('refuses any frame before HELLO with HELLO_REQUIRED', async () => {
    const p = await RawPeer.connect(h.socket);
    p.send(ping(1));
    await expectFatal(p, ErrorCode.HELLO_REQUIRED);
  });

  it('refuses a length above max_frame with TOO_LARGE before the body arrives', async () => {
    const p = await hello(TOKENS.op);
    const head = Buffer.alloc(8);
    head.writeUInt32LE((1 << 20) + 1, 0);
    head.writeUInt16LE(F.EVENT, 4);
    p.send(head);
    await expectFatal(p, ErrorCode.TOO_LARGE);
  });

  it('refuses non-zero flags, an unknown type and a wrong body size with BAD_FRAME', async () => {
    const a = await hello(TOKENS.op);
    a.send(frameBytes(F.PING, Buffer.alloc(8), 0x0001));
    await expectFatal(a, ErrorCode.BAD_FRAME);
    const b = await hello(TOKENS.op);
    b.send(frameBytes(99, Buffer.alloc(0)));
    await expectFatal(b, ErrorCode.BAD_FRAME);
    const c = await hello(TOKENS.op);
    c.send(frameBytes(F.SUBSCRIBE, Buffer.alloc(39)));
    await expectFatal(c, ErrorCode.BAD_FRAME);
    const d = await hello(TOKENS.op);
    d.send(frameBytes(F.EVENT, Buffer.alloc(95)));
    await expectFatal(d, ErrorCode.BAD_FRAME);
    const e = await hello(TOKENS.op);
    e.send(frameBytes(F.WELCOME, Buffer.alloc(40)));
    await expectFatal(e, ErrorCode.BAD_FRAME);
  });

  it('closes a connection that sends no HELLO in time', async () => {
    const p = await RawPeer.connect(h.socket);
    await expectFatal(p, ErrorCode.FRAME_TIMEOUT);
  });

  it('answers TIMEOUT to a frame that trickles in slower than the whole-frame deadline', async () => {
    const p = await hello(TOKENS.op);
    const bytes = ping(5);
    let i = 0;
    const t0 = Date.now();
    const timer = setInterval(() => {
      if (i < bytes.length - 1 && !p.socket.destroyed) p.send(bytes.subarray(i, ++i)); // never the last byte
    }, 100);
    await expectFatal(p, ErrorCode.FRAME_TIMEOUT);
    clearInterval(timer);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(2500);
  });

  it('answers PING with PONG echoing the nonce, also when the frame is split', async () => {
    const p = await hello(TOKENS.op);
    const b = frameBytes(F.PING, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    p.send(b.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 20));
    p.send(b.subarray(3));
    const pong = await p.waitFrame((f) => f.type === F.PONG);
    expect([...pong.body]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    p.socket.destroy();
  });
});

describe('events through the gate', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it('KIND is non-fatal: a forbidden UP event gets ERROR KIND and the connection keeps working', async () => {
    const p = await hello(TOKENS.op);
    p.send(frameBytes(F.EVENT, eventBytes({ kind: Kind.SEAM_UP, dir: Dir.UP, source: Source.VMHOST })));
    expect(errorCode(await p.waitFrame((f) => f.type === F.ERROR))).toBe(ErrorCode.KIND);
    p.send(frameBytes(F.EVENT, eventBytes({ kind: 66, corr: 31 }))); // retired CMD_STREAM
    const ack = eventFields(await p.waitFrame((f) => f.type === F.EVENT && eventFields(f).corr === 31));
    expect(ack.kind).toBe(Kind.ACT_ACK);
    expect([ack.inln.readUInt32LE(0), ack.inln.readUInt32LE(4)]).toEqual([0, ErrorCode.KIND]);
    p.send(ping(2));
    await p.waitFrame((f) => f.type === F.PONG);
    expect(h.adapter.seen).toHaveLength(0);
    p.socket.destroy();
  });

  it('overwrites a forged origin, seq and ts_ns', async () => {
    const watcher = await hello(TOKENS.weak);
    watcher.send(subscribeAll());
    const p = await hello(TOKENS.op);
    const myId = Buffer.from(p.frames[0]!.body).readUInt32LE(4);
    const seqBefore = h.core.stats().seq;
    p.send(
      frameBytes(
        F.EVENT,
        eventBytes({
          kind: Kind.CMD_VM,
          corr: 5,
          seq: 0xdead,
          reserved: 99,
          tsNs: 123n,
          source: Source.VMHOST,
          inln: encodeOp({ op: 0 }),
        }),
      ),
    );
    const ack = eventFields(await p.waitFrame((f) => f.type === F.EVENT && eventFields(f).corr === 5));
    expect(ack.kind).toBe(Kind.ACT_ACK);
    const seen = h.adapter.seen[0]!;
    expect(seen.origin).toBe(myId);
    expect(seen.source).toBe(Source.CONTROL);
    expect(seen.seq).toBeGreaterThan(seqBefore);
    expect(seen.seq).not.toBe(0xdead);
    expect(seen.tsNs).toBeGreaterThan(1_000_000);
    const echoed = eventFields(
      await watcher.waitFrame((f) => f.type === F.EVENT && eventFields(f).kind === Kind.CMD_VM),
    );
    expect([echoed.seq, echoed.reserved, echoed.source]).toEqual([seen.seq, 0, Source.CONTROL]);
    expect(echoed.tsNs).toBe(BigInt(seen.tsNs));
    p.socket.destroy();
    watcher.socket.destroy();
  });

  it('a missing capability gets PERM and a command outside the grant GRANT; the adapter sees neither', async () => {
    const weak = await hello(TOKENS.weak);
    weak.send(frameBytes(F.EVENT, eventBytes({ kind: Kind.CMD_VM, corr: 1, inln: encodeOp({ op: 0 }) })));
    const a = eventFields(await weak.waitFrame((f) => f.type === F.EVENT && eventFields(f).corr === 1));
    expect([a.kind, a.inln.readUInt32LE(0), a.inln.readUInt32LE(4)]).toEqual([
      Kind.ACT_ACK,
      0,
      ErrorCode.PERM,
    ]);
    const robot = await hello(TOKENS.robot);
    robot.send(
      frameBytes(F.EVENT, eventBytes({ kind: Kind.CMD_VM, endpoint: 2, corr: 2, inln: encodeOp({ op: 0 }) })),
    );
    const b = eventFields(await robot.waitFrame((f) => f.type === F.EVENT && eventFields(f).corr === 2));
    expect([b.kind, b.inln.readUInt32LE(4)]).toEqual([Kind.ACT_ACK, ErrorCode.GRANT]);
    robot.send(
      frameBytes(
        F.EVENT,
        eventBytes({
          kind: Kind.CMD_INPUT,
          endpoint: 1,
          corr: 3,
          inln: encodeInput({ kind: InputKind.KEY, code: 30, value: 1, scroll: 0 }),
        }),
      ),
    );
    const c = eventFields(await robot.waitFrame((f) => f.type === F.EVENT && eventFields(f).corr === 3));
    expect(c.inln.readUInt32LE(4)).toBe(ErrorCode.LEASE);
    expect(h.adapter.seen).toHaveLength(0);
    weak.socket.destroy();
    robot.socket.destroy();
  });

  it('SUBSCRIBE replays current seam state with the display name before live events', async () => {
    const p = await hello(TOKENS.weak);
    p.send(subscribeAll());
    const f = await p.waitFrame((x) => x.type === F.EVENT && eventFields(x).kind === Kind.SEAM_UP);
    expect(eventFields(f).endpoint).toBe(1);
    expect(Buffer.from(f.body.subarray(96)).toString()).toBe('vm-one');
    p.socket.destroy();
  });

  it('keeps serving other clients while one is refused', async () => {
    const good = await hello(TOKENS.op);
    const bad = await RawPeer.connect(h.socket);
    bad.send(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await bad.closesWithin(3000);
    good.send(ping(9));
    await good.waitFrame((f) => f.type === F.PONG);
    const fresh = await hello(TOKENS.robot);
    fresh.socket.destroy();
    good.socket.destroy();
  });
});
