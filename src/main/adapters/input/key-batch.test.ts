import { describe, expect, it } from 'vitest';
import { InputKind } from '../../../shared/model';
import { MAX_BATCH, type BatchItem, batchLength, unreleased } from './key-batch';

const LEASE = {};
const down = (code: number, lease: unknown = LEASE): BatchItem => ({
  key: { kind: InputKind.KEY, code, down: true },
  lease,
});
const up = (code: number, lease: unknown = LEASE): BatchItem => ({
  key: { kind: InputKind.KEY, code, down: false },
  lease,
});
const mouse: BatchItem = { lease: LEASE };
const SHIFT = 42;
const A = 30;
const B = 48;
const C = 46;

describe('batchLength', () => {
  it('takes a press with its release when the release is already waiting', () => {
    expect(batchLength([down(A), up(A)])).toBe(2);
  });

  it('sends a press alone while its release has not arrived (the key is still held)', () => {
    expect(batchLength([down(A)])).toBe(1);
    expect(batchLength([down(A), down(B)])).toBe(1);
  });

  it('takes a shifted character whole: Shift, the key, its release, Shift’s release', () => {
    expect(batchLength([down(SHIFT), down(A), up(A), up(SHIFT), down(B)])).toBe(4);
  });

  it('adds releases and complete pairs behind the head, up to MAX_BATCH events', () => {
    expect(batchLength([down(B), up(B), up(A)])).toBe(3);
    expect(batchLength([down(B), up(A)])).toBe(2);
    // A held while B is tapped: B's whole tap follows A's press.
    expect(batchLength([down(A), down(B), up(B)])).toBe(3);
    expect(batchLength([up(A), down(B), up(B), down(C), up(C)])).toBe(3);
    expect(batchLength([down(A), up(A), down(B), up(B), down(C), up(C)])).toBe(MAX_BATCH);
  });

  it('never takes a later press whose release is not waiting, nor a pair that does not fit whole', () => {
    expect(batchLength([down(A), up(A), down(B)])).toBe(2);
    expect(batchLength([down(A), up(A), up(SHIFT), down(B), up(B)])).toBe(3);
    // A's release is beyond MAX_BATCH: A goes down alone.
    expect(batchLength([down(A), down(B), down(C), down(SHIFT), up(A)])).toBe(1);
  });

  it('stops at anything that is not a single key event, and at another lease', () => {
    expect(batchLength([mouse, down(A), up(A)])).toBe(1);
    expect(batchLength([down(A), mouse, up(A)])).toBe(1);
    expect(batchLength([down(A), up(A), mouse, up(B)])).toBe(2);
    expect(batchLength([down(A), up(A, {})])).toBe(1);
    expect(batchLength([down(A), up(A), up(B, {})])).toBe(2);
  });

  it('is 0 for an empty lane', () => {
    expect(batchLength([])).toBe(0);
  });
});

describe('unreleased', () => {
  it('names the presses of a batch whose release is not in it after them', () => {
    expect(unreleased([down(A), up(A)])).toEqual([]);
    expect(unreleased([down(B), up(A)]).map((k) => k.code)).toEqual([B]);
    expect(unreleased([down(A), down(B), up(A)]).map((k) => k.code)).toEqual([B]);
    expect(unreleased([up(A), down(A)]).map((k) => k.code)).toEqual([A]);
  });
});
