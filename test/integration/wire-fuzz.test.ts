/*
 * Server-level fuzzing over real connections: random bytes, mutated valid frames, and
 * random frames after a good HELLO. Each connection must be answered or closed, and the
 * server must keep serving a well-behaved client throughout. (The decoder itself gets
 * 120 000 runs in src/main/wire/frame-decoder.test.ts.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireClient } from '../../src/main/wire';
import {
  type Harness,
  RawPeer,
  TOKENS,
  eventBytes,
  frameBytes,
  helloBytes,
  startHarness,
} from '../helpers/wire-harness';

let h: Harness;
let good: WireClient;
beforeAll(async () => {
  h = await startHarness({ helloTimeoutMs: 300, frameDeadlineMs: 300 });
  good = await WireClient.connect(h.socket);
  await good.hello(TOKENS.op, 'good');
});
afterAll(async () => {
  await good.close();
  await h.stop();
});

/** Sends `chunks`, half-closes, and waits until the server has closed or answered and gone quiet. */
async function throwAt(chunks: Uint8Array[]): Promise<void> {
  const p = await RawPeer.connect(h.socket);
  for (const c of chunks) p.send(c);
  p.socket.end();
  const closed = await p.closesWithin(2000);
  if (!closed) p.socket.destroy();
  expect(closed).toBe(true);
}

const validFrame = fc.oneof(
  fc.constant(frameBytes(1, helloBytes(TOKENS.op))),
  fc.constant(frameBytes(6, Buffer.alloc(8))),
  fc
    .record({
      kind: fc.integer({ min: 0, max: 130 }),
      dir: fc.integer({ min: 0, max: 2 }),
      endpoint: fc.integer({ min: 0, max: 70 }),
      inln: fc.uint8Array({ minLength: 48, maxLength: 48 }),
    })
    .map((e) => frameBytes(3, eventBytes(e))),
  fc.uint8Array({ minLength: 40, maxLength: 40 }).map((b) => frameBytes(4, b)),
);

const mutate = (b: Buffer, muts: [number, number][]): Buffer => {
  const out = Buffer.from(b);
  for (const [at, v] of muts) out[at % out.length] = v;
  return out;
};

describe('server fuzz', () => {
  it('answers or closes every random, mutated or post-HELLO random stream and keeps serving', async () => {
    const stream = fc.oneof(
      fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 4 }),
      fc
        .tuple(
          fc.array(validFrame, { minLength: 1, maxLength: 4 }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        )
        .map(([fs, m]) => [mutate(Buffer.concat(fs), m)]),
      fc.array(validFrame, { maxLength: 5 }).map((fs) => [frameBytes(1, helloBytes(TOKENS.op)), ...fs]),
    );
    await fc.assert(
      fc.asyncProperty(stream, async (chunks) => {
        await throwAt(chunks);
        expect(await good.ping()).toBeGreaterThan(0n);
      }),
      { numRuns: 1500 },
    );
    expect(h.server.connectionCount).toBeLessThanOrEqual(1);
  }, 120_000);
});
