import { describe, expect, it } from 'vitest';
import { LineSplitter, LineTooLongError } from './line-splitter';

describe('LineSplitter', () => {
  it('joins a line split across chunks and strips CRLF', () => {
    const s = new LineSplitter(100);
    expect(s.push(Buffer.from('{"a":'))).toEqual([]);
    expect(s.push(Buffer.from('1}\r\n{"b":2}\n{"c"'))).toEqual(['{"a":1}', '{"b":2}']);
    expect(s.push(Buffer.from(':3}\n'))).toEqual(['{"c":3}']);
  });

  it('throws LineTooLongError once a partial line passes the cap, and recovers after reset', () => {
    const s = new LineSplitter(8);
    expect(s.push(Buffer.from('12345'))).toEqual([]);
    expect(() => s.push(Buffer.from('6789'))).toThrow(LineTooLongError);
    expect(s.push(Buffer.from('ok\n'))).toEqual(['ok']);
  });

  it('accepts a line of exactly the cap', () => {
    expect(new LineSplitter(4).push(Buffer.from('abcd\n'))).toEqual(['abcd']);
  });
});
