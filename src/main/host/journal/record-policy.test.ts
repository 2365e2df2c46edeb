import { describe, expect, it } from 'vitest';
import {
  Dir,
  InputKind,
  Kind,
  decodeInput,
  decodeInputHeld,
  encodeActAck,
  encodeCursor,
  encodeInput,
  encodeInputHeld,
  makeEvent,
} from '../../../shared/model';
import { REDACTED_HELD_CODE, REDACTED_KEY_CODE, RecordPolicy } from './record-policy';

const cursor = () =>
  makeEvent({ kind: Kind.CURSOR_STATE, inln: encodeCursor({ x: 1, y: 2, visible: 1, seq: 0 }) });
const input = () => makeEvent({ kind: Kind.CMD_INPUT, dir: Dir.DOWN });
const ackOf = (cmdKind: number) =>
  makeEvent({ kind: Kind.ACT_ACK, inln: encodeActAck({ ok: 1, err: 0, cmdKind, detail: 0 }) });

describe('journal record policy', () => {
  it('caps a kind per wall-clock second after sampling', () => {
    let t = 0;
    const p = new RecordPolicy({ CURSOR_STATE: { keep: 'all', maxPerSec: 3 } }, () => t);
    const kept = Array.from({ length: 10 }, () => p.admit(cursor())).filter(Boolean).length;
    t = 1000;
    const keptNext = Array.from({ length: 10 }, () => p.admit(cursor())).filter(Boolean).length;
    expect([kept, keptNext, p.skipped]).toEqual([3, 3, 14]);
  });

  it('counts what it sampled away per kind and VM until one of them is kept', () => {
    const p = new RecordPolicy({ CURSOR_STATE: { keep: 'sample', every: 3 } }, () => 0);
    const on = (endpoint: number) => ({ ...cursor(), endpoint });
    const kept: [number, number][] = [];
    // VM 1 and VM 2 interleaved share the kind's sampling, but each VM counts its own.
    for (let i = 0; i < 12; i++) {
      const ev = on(1 + (i % 2));
      if (p.admit(ev)) kept.push([ev.endpoint, p.takeSkipped(ev)]);
    }
    expect(kept).toEqual([
      [1, 0],
      [2, 1],
      [1, 2],
      [2, 2],
    ]);
    expect(p.pendingSkips().map((s) => [s.endpoint, s.count])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(p.takeSkipped(input())).toBe(0);
  });

  it('drops a command kind and its ACT_ACKs together when set to none, and keeps other acks', () => {
    const p = new RecordPolicy({ CMD_INPUT: { keep: 'none' } }, () => 0);
    expect([p.admit(input()), p.admit(ackOf(Kind.CMD_INPUT)), p.admit(ackOf(Kind.CMD_VM))]).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('makes sampled kinds non-durable and everything else durable', () => {
    const p = new RecordPolicy({ CURSOR_STATE: { keep: 'sample', every: 2 } }, () => 0);
    expect([p.durable(cursor()), p.durable(input()), p.durable(ackOf(Kind.CMD_VM))]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('refuses unknown kinds, rate caps on ACT_ACK and bad sampling', () => {
    expect(() => new RecordPolicy({ NOPE: { keep: 'all' } } as never, () => 0)).toThrow(/unknown kind NOPE/);
    expect(() => new RecordPolicy({ ACT_ACK: { keep: 'all', maxPerSec: 5 } }, () => 0)).toThrow(
      /never sampled/,
    );
    expect(() => new RecordPolicy({ CURSOR_STATE: { keep: 'sample', every: 0 } }, () => 0)).toThrow(
      /every must be/,
    );
  });

  it('redacts KEY codes of CMD_INPUT and INPUT_HELD by default, leaves buttons and the live event alone', () => {
    const p = new RecordPolicy({}, () => 0);
    const key = makeEvent({
      kind: Kind.CMD_INPUT,
      dir: Dir.DOWN,
      inln: encodeInput({ kind: InputKind.KEY, code: 30, value: 1, scroll: 0 }),
    });
    const rec = p.recorded(key);
    expect(decodeInput(rec.inln)).toMatchObject({ kind: InputKind.KEY, code: REDACTED_KEY_CODE, value: 1 });
    expect(decodeInput(key.inln).code).toBe(30);
    const btn = makeEvent({
      kind: Kind.CMD_INPUT,
      dir: Dir.DOWN,
      inln: encodeInput({ kind: InputKind.BTN, code: 0x110, value: 1, scroll: 0 }),
    });
    expect(p.recorded(btn)).toBe(btn);
    const held = makeEvent({
      kind: Kind.INPUT_HELD,
      inln: encodeInputHeld([
        { kind: InputKind.KEY, code: 42 },
        { kind: InputKind.BTN, code: 0x110 },
      ]),
    });
    expect(decodeInputHeld(p.recorded(held).inln).entries).toEqual([
      { kind: InputKind.KEY, code: REDACTED_HELD_CODE },
      { kind: InputKind.BTN, code: 0x110 },
    ]);
    expect(new RecordPolicy({}, () => 0, { keyCodes: false }).recorded(key)).toBe(key);
  });
});
