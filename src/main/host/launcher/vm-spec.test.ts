import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model/constants';
import { validateSpec } from './vm-spec';

describe('validateSpec', () => {
  it('accepts a minimal spec and returns it', () => {
    const spec = { id: 1, name: 'demo', memoryMiB: 256 };
    expect(validateSpec(spec)).toBe(spec);
  });

  it.each([
    [{ id: 0, name: 'a', memoryMiB: 256 }, /id must be an integer 1\.\.63/],
    [{ id: 64, name: 'a', memoryMiB: 256 }, /id must be/],
    [{ id: 1, name: '', memoryMiB: 256 }, /name must be/],
    [{ id: 1, name: 'a,b', memoryMiB: 256 }, /without commas/],
    [{ id: 1, name: 'a', memoryMiB: 64 }, /memoryMiB must be an integer 128\.\.65536, got 64/],
    [{ id: 1, name: 'a', memoryMiB: 1.5 }, /memoryMiB/],
    [{ id: 1, name: 'a', memoryMiB: 256, initrd: '/x' }, /initrd needs kernel/],
    [{ id: 1, name: 'a', memoryMiB: 256, extraArgs: ['-s', 3] }, /extraArgs must be an array of strings/],
    [{ id: 1, name: 'a', memoryMiB: 256, memoryMb: 3 }, /unknown field\(s\) memoryMb/],
    [null, /not an object/],
  ])('rejects %j with a message naming the problem', (spec, message) => {
    expect(() => validateSpec(spec)).toThrow(message);
    try {
      validateSpec(spec);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'invalid-spec', code: ErrorCode.INVAL });
    }
  });
});
