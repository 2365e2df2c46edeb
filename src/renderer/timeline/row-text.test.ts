import { describe, expect, it } from 'vitest';
import { fieldsText, wallTime } from './row-text';

describe('timeline row text', () => {
  it('prints decoded fields as key=value pairs', () => {
    expect(fieldsText({ ok: false, err: 'LEASE', held: ['KEY:29', 'KEY:56'] })).toBe(
      'ok=false err=LEASE held=[KEY:29 KEY:56]',
    );
  });
  it('shows nothing for an all-zero inline zone of a kind without fields', () => {
    expect(fieldsText({ inln: '00'.repeat(48) })).toBe('');
    expect(fieldsText({ inln: '0a00' })).toBe('inln=0a00');
  });
  it('places a core timestamp on the wall clock', () => {
    const clock = { ns: 5_000_000_000, ms: new Date(2026, 0, 1, 10, 0, 5).getTime() };
    expect(wallTime(4_000_000_000, clock)).toBe('10:00:04.000');
    expect(wallTime(0, clock)).toBe('');
  });
});
