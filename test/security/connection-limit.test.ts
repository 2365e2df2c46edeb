/*
 * Item 3 of issue 10: the control socket has a connection limit. With the default limit
 * taken by idle peers that never say HELLO, one more peer gets ERROR TOO_MANY (108, §10)
 * and is closed; the peers inside the limit are untouched, and a slot freed is usable again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CONNECTIONS, FrameType, WireClient } from '../../src/main/wire';
import { ErrorCode } from '../../src/shared/model';
import {
  type Harness,
  RawPeer,
  TOKENS,
  errorCode,
  helloBytes,
  frameBytes,
  startHarness,
} from '../helpers/wire-harness';

let h: Harness | undefined;
const peers: RawPeer[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) p.socket.destroy();
  await h?.stop();
  h = undefined;
});

describe('control socket connection limit', () => {
  it(`the ${DEFAULT_MAX_CONNECTIONS + 1}th connection gets ERROR TOO_MANY and is closed; a freed slot is reused`, async () => {
    h = await startHarness({ helloTimeoutMs: 60_000 });
    expect(DEFAULT_MAX_CONNECTIONS).toBeGreaterThan(8);
    // One real control first, then idle peers up to the limit.
    const control = await WireClient.connect(h.socket);
    await control.hello(TOKENS.op, 'inside the limit');
    for (let i = 1; i < DEFAULT_MAX_CONNECTIONS; i++) peers.push(await RawPeer.connect(h.socket));
    await new Promise((r) => setTimeout(r, 50));
    expect(h.server.connectionCount).toBe(DEFAULT_MAX_CONNECTIONS);

    const over = await RawPeer.connect(h.socket);
    const refusal = await over.waitFrame((f) => f.type === FrameType.ERROR);
    expect(errorCode(refusal)).toBe(ErrorCode.TOO_MANY);
    expect(await over.closesWithin(3000)).toBe(true);
    // It never became a control: the count did not move, and HELLO sent now goes nowhere.
    expect(h.server.connectionCount).toBe(DEFAULT_MAX_CONNECTIONS);

    // The peers inside the limit still work.
    const pong = await control.ping();
    expect(pong).toBeDefined();
    const inside = peers[0]!;
    inside.send(frameBytes(FrameType.HELLO, helloBytes(TOKENS.weak)));
    expect((await inside.waitFrame(() => true)).type).toBe(FrameType.WELCOME);

    // A freed slot takes a new peer.
    peers.pop()!.socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const again = await WireClient.connect(h.socket);
    await expect(again.hello(TOKENS.robot, 'after a slot freed')).resolves.toBeDefined();
    await again.close();
    await control.close();
  });
});
