import { describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, kindSet, maskOf } from '../core';
import { ErrorCode, isVmsigError } from '../../shared/model';
import {
  decodeError,
  decodeHello,
  decodeNonce,
  decodeSubscribe,
  decodeWelcome,
  encodeError,
  encodeHello,
  encodeSubscribe,
  encodeWelcome,
} from './frame-bodies';

const codeOf = (fn: () => unknown): number | null => {
  try {
    fn();
    return null;
  } catch (e) {
    return isVmsigError(e) ? e.code : -1;
  }
};

describe('frame bodies', () => {
  it('decodes a hand-built HELLO', () => {
    // version_min 1, version_max 3, token "ab", name "x"
    const h = decodeHello(Uint8Array.of(1, 0, 3, 0, 2, 0, 1, 0, 0x61, 0x62, 0x78));
    expect(h).toEqual({ versionMin: 1, versionMax: 3, token: Uint8Array.of(0x61, 0x62), name: 'x' });
    expect(encodeHello({ versionMin: 1, versionMax: 3, token: 'ab', name: 'x' })).toEqual(
      Uint8Array.of(1, 0, 3, 0, 2, 0, 1, 0, 0x61, 0x62, 0x78),
    );
  });

  it('refuses a HELLO whose lengths disagree with its size, or whose name exceeds 64 bytes', () => {
    expect(codeOf(() => decodeHello(Uint8Array.of(1, 0, 1, 0, 5, 0, 0, 0, 1)))).toBe(ErrorCode.BAD_FRAME);
    expect(codeOf(() => decodeHello(Uint8Array.of(1, 0, 1)))).toBe(ErrorCode.BAD_FRAME);
    const long = new Uint8Array(8 + 65);
    long[6] = 65;
    expect(codeOf(() => decodeHello(long))).toBe(ErrorCode.BAD_FRAME);
  });

  it('lays WELCOME out as protocol §3 says', () => {
    const b = encodeWelcome({
      version: 1,
      controlId: 7,
      principal: 42,
      caps: 0x83,
      endpointMask: (1n << 63n) | 2n,
      leasePrio: 5,
      maxFrame: 1 << 20,
      tsNs: 0x0102030405060708n,
    });
    expect(b.length).toBe(40);
    const v = new DataView(b.buffer);
    expect([
      v.getUint16(0, true),
      v.getUint16(2, true),
      v.getUint32(4, true),
      v.getUint32(8, true),
      v.getUint32(12, true),
    ]).toEqual([1, 0, 7, 42, 0x83]);
    expect(v.getBigUint64(16, true)).toBe((1n << 63n) | 2n);
    expect([v.getUint32(24, true), v.getUint32(28, true)]).toEqual([5, 1 << 20]);
    expect(b.subarray(32)).toEqual(Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1));
    expect(decodeWelcome(b).tsNs).toBe(0x0102030405060708n);
    expect(codeOf(() => decodeWelcome(new Uint8Array(39)))).toBe(ErrorCode.BAD_FRAME);
  });

  it('decodes a hand-built SUBSCRIBE into a filter', () => {
    const b = new Uint8Array(40);
    b[6] = 0x01; // kind 48 (ACT_ACK)
    b[16] = 0b10000; // source CORE
    b[20] = 1; // UP
    b[24] = 2; // prio_min HIGH
    b[32] = 0b10; // endpoint 1
    b[39] = 0x80; // endpoint 63
    const f = decodeSubscribe(b);
    expect(f.kinds).toEqual(kindSet([48]));
    expect([f.sources, f.dirs, f.prioMin]).toEqual([16, 1, 2]);
    expect(f.endpoints).toEqual(maskOf([1, 63]));
    expect(encodeSubscribe(f)).toEqual(b);
    expect(codeOf(() => decodeSubscribe(new Uint8Array(41)))).toBe(ErrorCode.BAD_FRAME);
    expect(
      decodeSubscribe(
        encodeSubscribe({
          kinds: new Uint8Array(16),
          sources: 0,
          dirs: 0,
          prioMin: 0,
          endpoints: ALL_ENDPOINTS,
        }),
      ).endpoints,
    ).toEqual(ALL_ENDPOINTS);
  });

  it('round-trips ERROR and checks msg_len', () => {
    const b = encodeError({ code: 103, msg: 'bad' });
    expect(b).toEqual(Uint8Array.of(103, 0, 0, 0, 3, 0, 0x62, 0x61, 0x64));
    expect(decodeError(b)).toEqual({ code: 103, msg: 'bad' });
    expect(codeOf(() => decodeError(Uint8Array.of(103, 0, 0, 0, 4, 0, 1)))).toBe(ErrorCode.BAD_FRAME);
  });

  it('reads a PING nonce and refuses other sizes', () => {
    expect(decodeNonce(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0x80))).toBe(0x8000000000000001n);
    expect(codeOf(() => decodeNonce(new Uint8Array(7)))).toBe(ErrorCode.BAD_FRAME);
  });
});
