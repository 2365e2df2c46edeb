import { describe, expect, it } from 'vitest';
import { UsageError, intArg, opt, parseArgs } from './command';

const usageError = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('no UsageError');
};

describe('parseArgs', () => {
  it('splits positionals from --name value, --name=value and flags, in order', () => {
    const p = parseArgs(['status', '--vm', '1', 'x', '--socket=/s', '--hold'], ['vm', 'socket'], ['hold']);
    expect(p.positionals).toEqual(['status', 'x']);
    expect(opt(p, 'vm')).toBe('1');
    expect(opt(p, 'socket')).toBe('/s');
    expect(p.options.get('hold')).toBe(true);
  });

  it('an unknown option is a usage error naming it', () => {
    expect(usageError(() => parseArgs(['--vm', '1', '--bogus'], ['vm']))).toBe('unknown option --bogus');
    expect(usageError(() => parseArgs(['--bogus=3'], ['vm']))).toBe('unknown option --bogus');
  });

  it('a valued option at the end is a usage error saying it needs a value', () => {
    expect(usageError(() => parseArgs(['status', '--vm'], ['vm']))).toBe('--vm needs a value');
  });

  it('single-dash words are positionals: negative numbers, a lone dash, text like -rf', () => {
    expect(parseArgs(['scroll', '-3', '-', '-rf', '5'], []).positionals).toEqual([
      'scroll',
      '-3',
      '-',
      '-rf',
      '5',
    ]);
  });

  it('a value may start with a dash: --vm -1 reaches the range check, not the parser', () => {
    const p = parseArgs(['--vm', '-1'], ['vm']);
    expect(usageError(() => intArg(opt(p, 'vm'), '--vm', 1, 255))).toBe(
      '--vm must be an integer in 1..255, got "-1"',
    );
  });

  it('everything after -- is a positional, even --words', () => {
    expect(parseArgs(['type', '--', '--not-an-option', 'x'], []).positionals).toEqual([
      'type',
      '--not-an-option',
      'x',
    ]);
  });

  it('the last of a repeated option wins', () => {
    expect(opt(parseArgs(['--vm', '1', '--vm', '2'], ['vm']), 'vm')).toBe('2');
  });
});
