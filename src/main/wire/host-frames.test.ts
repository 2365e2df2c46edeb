import { describe, expect, it } from 'vitest';
import { ErrorCode, VmsigError } from '../../shared/model';
import {
  HOST_REQUESTS_IN_FLIGHT,
  HostOpUnsupported,
  HostRequestDesk,
  decodeHostReply,
  decodeHostRequest,
  encodeHostRequest,
} from './host-frames';

function desk(handler: ConstructorParameters<typeof HostRequestDesk>[0], maxReply = 1 << 20) {
  const sent: { id: number; reply: unknown }[] = [];
  const d = new HostRequestDesk(handler, (body) => sent.push(decodeHostReply(body)), maxReply);
  return { d, sent };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('HostRequestDesk', () => {
  it('answers as the connection’s control, whatever the JSON says', async () => {
    const seen: unknown[] = [];
    const { d, sent } = desk(async (controlId, op, args) => {
      seen.push({ controlId, op, args });
      return { ok: 1 };
    });
    d.onRequest(42, encodeHostRequest(9, 'vms', { controlId: 1, principal: 1 }));
    await flush();
    expect(seen).toEqual([{ controlId: 42, op: 'vms', args: { controlId: 1, principal: 1 } }]);
    expect(sent).toEqual([{ id: 9, reply: { ok: true, result: { ok: 1 } } }]);
  });

  it('a request past the in-flight bound is answered BUSY; the others still complete', async () => {
    const release: (() => void)[] = [];
    const { d, sent } = desk(() => new Promise((r) => release.push(() => r(null))));
    for (let i = 1; i <= HOST_REQUESTS_IN_FLIGHT + 1; i++) d.onRequest(1, encodeHostRequest(i, 'vms'));
    expect(sent).toEqual([
      { id: HOST_REQUESTS_IN_FLIGHT + 1, reply: expect.objectContaining({ ok: false, err: 'BUSY' }) },
    ]);
    for (const r of release) r();
    await flush();
    expect(sent.map((s) => s.id).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('names refusals: a VmsigError by its code, an unsupported op NOT_IMPLEMENTED, anything else IO', async () => {
    const errors = [
      new VmsigError(ErrorCode.LEASE, 'held'),
      new HostOpUnsupported('no source'),
      new Error('boom'),
    ];
    const { d, sent } = desk(async (_c, op) => {
      throw errors[Number(op)];
    });
    for (const i of [0, 1, 2]) d.onRequest(1, encodeHostRequest(i, String(i)));
    await flush();
    expect(sent.map((s) => (s.reply as { err: string }).err)).toEqual(['LEASE', 'NOT_IMPLEMENTED', 'IO']);
  });

  it('a handler that throws synchronously is answered, never thrown into the connection', async () => {
    const { d, sent } = desk(() => {
      throw new VmsigError(ErrorCode.PERM, 'no');
    });
    expect(() => d.onRequest(1, encodeHostRequest(3, 'vms'))).not.toThrow();
    await flush();
    expect(sent).toEqual([{ id: 3, reply: expect.objectContaining({ ok: false, err: 'PERM' }) }]);
  });

  it('a reply over max_frame becomes EXTENT; nothing is written after close', async () => {
    const { d, sent } = desk(async () => 'x'.repeat(5000), 1000);
    d.onRequest(1, encodeHostRequest(1, 'big'));
    await flush();
    expect(sent).toEqual([{ id: 1, reply: expect.objectContaining({ ok: false, err: 'EXTENT' }) }]);
    d.onRequest(1, encodeHostRequest(2, 'big'));
    d.close();
    await flush();
    expect(sent).toHaveLength(1);
  });

  it('decodeHostRequest: no id is BAD_FRAME, over 64 KiB TOO_LARGE, other faults are answered INVAL', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 0;
      } catch (e) {
        return (e as VmsigError).code;
      }
    };
    expect(code(() => decodeHostRequest(new Uint8Array(3)))).toBe(ErrorCode.BAD_FRAME);
    expect(code(() => decodeHostRequest(encodeHostRequest(1, 'vms', { pad: 'x'.repeat(65536) })))).toBe(
      ErrorCode.TOO_LARGE,
    );
    const body = (json: string) => Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.from(json)]);
    expect(decodeHostRequest(body('{"op":"vms","as":1}'))).toEqual({ id: 1, bad: 'unknown field "as"' });
    expect(decodeHostRequest(body('{"op":""}'))).toMatchObject({ bad: expect.stringContaining('op') });
    expect(decodeHostRequest(body('{"op":"vms","args":[1]}'))).toMatchObject({
      bad: 'args must be an object',
    });
    expect(decodeHostRequest(body('null'))).toMatchObject({ bad: 'the request must be an object' });
  });
});
