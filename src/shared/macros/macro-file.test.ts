import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../model';
import { prng } from '../../../test/helpers/prng';
import { MAX_STEPS, MacroError, parseMacro, serializeMacro } from './macro-file';

const good = {
  vmsigMacro: 1,
  name: 'login',
  steps: [
    { delayMs: 0, code: 30, down: true },
    { delayMs: 12, code: 30, down: false },
  ],
};

/** The message parseMacro fails with, or '' when it parses. */
function failure(text: string): string {
  try {
    parseMacro(text);
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(MacroError);
    expect((e as MacroError).code).toBe(ErrorCode.INVAL);
    return (e as MacroError).detail;
  }
}

describe('macro file format', () => {
  it('round-trips a macro through its file text', () => {
    const m = parseMacro(JSON.stringify(good));
    expect(m).toEqual({ name: 'login', steps: good.steps });
    expect(parseMacro(serializeMacro(m))).toEqual(m);
  });

  it('names what is wrong: bad JSON, unknown keys, bad values, absurd sizes', () => {
    expect(failure('{"vmsigMacro":1,')).toMatch(/^not JSON/);
    expect(failure('[]')).toBe('a macro file holds one JSON object');
    expect(failure(JSON.stringify({ ...good, password: 'x' }))).toBe('macro: unknown field "password"');
    expect(failure(JSON.stringify({ ...good, vmsigMacro: 2 }))).toMatch(/format version/);
    expect(failure(JSON.stringify({ ...good, name: '../etc/passwd' }))).toMatch(/macro name/);
    expect(failure(JSON.stringify({ ...good, steps: [] }))).toMatch(/at least one step/);
    const step = (s: object) => JSON.stringify({ ...good, steps: [s] });
    expect(failure(step({ delayMs: 0, code: 30, down: true, shift: 1 }))).toBe(
      'steps[0]: unknown field "shift"',
    );
    expect(failure(step({ delayMs: -1, code: 30, down: true }))).toMatch(/steps\[0\]\.delayMs/);
    expect(failure(step({ delayMs: 1e9, code: 30, down: true }))).toMatch(/steps\[0\]\.delayMs/);
    expect(failure(step({ delayMs: 0.5, code: 30, down: true }))).toMatch(/steps\[0\]\.delayMs/);
    expect(failure(step({ delayMs: 0, code: 0x300, down: true }))).toMatch(/steps\[0\]\.code/);
    expect(failure(step({ delayMs: 0, code: 30, down: 1 }))).toMatch(/steps\[0\]\.down/);
    const many = Array.from({ length: MAX_STEPS + 1 }, () => ({ delayMs: 0, code: 30, down: true }));
    expect(failure(JSON.stringify({ ...good, steps: many }))).toMatch(/at most 20000 steps/);
    expect(failure(' '.repeat(3 * 1024 * 1024))).toMatch(/at most 2097152 bytes/);
  });

  it('survives fuzzed files: every input parses to a checked macro or fails with MacroError INVAL', () => {
    const seed = Date.now() >>> 0;
    const rnd = prng(seed);
    const base = JSON.stringify(good);
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      'true',
      'null',
      '-1',
      '1e400',
      '"steps"',
      '"code"',
      '\\u0000',
      '__proto__',
    ];
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const chars = [...base];
      const edits = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rnd() * chars.length);
        const r = rnd();
        if (r < 0.33) chars.splice(at, 1);
        else if (r < 0.66) chars.splice(at, 0, pieces[Math.floor(rnd() * pieces.length)]!);
        else chars[at] = String.fromCharCode(Math.floor(rnd() * 128));
      }
      const text = chars.join('');
      try {
        const m = parseMacro(text);
        parsed++;
        // Whatever parses is a macro the player can use as it is.
        expect(m.steps.every((s) => Number.isInteger(s.code) && s.code >= 1 && s.code <= 0x2ff)).toBe(true);
        expect(Object.keys(m).sort()).toEqual(['name', 'steps']);
      } catch (e) {
        if (!(e instanceof MacroError) || e.code !== ErrorCode.INVAL)
          throw new Error(`seed ${seed}, input ${JSON.stringify(text)}: ${String(e)}`);
      }
    }
    expect(parsed).toBeLessThan(5000);
  });
});
