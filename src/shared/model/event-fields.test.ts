import { describe, expect, it } from 'vitest';
import { Dir, Kind } from './constants';
import { encodeEventBody } from './event-codec';
import { eventInline, eventU32 } from './event-fields';
import { decodeVmState, encodeVmState } from './layouts';
import { makeEvent } from './event';

describe('event fields by name', () => {
  const ev = makeEvent({
    kind: Kind.VM_LIFECYCLE,
    dir: Dir.DOWN,
    endpoint: 0xfedc_ba98,
    seq: 70_000,
    corr: 5,
    inln: encodeVmState({ state: 3, detail: 9 }),
  });
  const body = encodeEventBody(ev);

  it('reads each u32 field as the full decoder does, high bit included', () => {
    expect(eventU32(body, 'kind')).toBe(Kind.VM_LIFECYCLE);
    expect(eventU32(body, 'dir')).toBe(Dir.DOWN);
    expect(eventU32(body, 'endpoint')).toBe(0xfedc_ba98);
    expect(eventU32(body, 'seq')).toBe(70_000);
    expect(eventU32(body, 'corr')).toBe(5);
  });

  it('reads a body that starts inside a larger buffer', () => {
    const packed = new Uint8Array(4 + body.length);
    packed.set(body, 4);
    expect(eventU32(packed, 'endpoint', 4)).toBe(0xfedc_ba98);
  });

  it('gives the 48-byte inline zone', () => {
    const inln = eventInline(body);
    expect(inln.length).toBe(48);
    expect(decodeVmState(inln)).toEqual({ state: 3, detail: 9 });
  });
});
