import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config';
import { journalSettings } from '../journal-settings';

const base = {
  vms: [],
  controls: [{ name: 'op', principal: 1, token: 't', caps: ['OBSERVE'], endpoints: 'all' }],
};
const parse = (journal: unknown) => parseConfig({ ...base, journal }, '/etc/vmsig/config.json', () => 'x');

describe('the journal settings of the configuration', () => {
  it('is on with defaults when absent, and off with false', () => {
    expect(parse(undefined).journal).toEqual({ enabled: true });
    expect(parse(false).journal).toEqual({ enabled: false });
  });

  it('takes dir (relative to the file), durability, disk budget, age and a sampling policy', () => {
    const j = parse({
      dir: 'journal',
      durability: 'fsync',
      maxTotalMiB: 64,
      segmentMiB: 2,
      maxAgeDays: 7,
      policy: { CURSOR_STATE: { keep: 'sample', every: 5, maxPerSec: 10 }, CMD_INPUT: { keep: 'none' } },
    }).journal;
    expect(j).toEqual({
      enabled: true,
      dir: '/etc/vmsig/journal',
      durability: 'fsync',
      maxTotalBytes: 64 * 1024 * 1024,
      maxSegmentBytes: 2 * 1024 * 1024,
      maxAgeMs: 7 * 24 * 3600 * 1000,
      policy: { CURSOR_STATE: { keep: 'sample', every: 5, maxPerSec: 10 }, CMD_INPUT: { keep: 'none' } },
    });
  });

  it('names the field of every mistake, and never lets a command be sampled', () => {
    expect(() => parse({ durability: 'sometimes' })).toThrow('journal.durability: must be "os" or "fsync"');
    expect(() => parse({ maxTotalMiB: 0 })).toThrow('journal.maxTotalMiB: must be a positive integer');
    expect(() => parse({ colour: 1 })).toThrow('journal.colour');
    expect(() => parse({ policy: { CMD_VM: { keep: 'sample', every: 2 } } })).toThrow(
      /journal\.policy: .*never sampled/,
    );
    expect(() => parse({ policy: { NOT_A_KIND: { keep: 'all' } } })).toThrow('journal.policy');
  });

  it('lets the shell flags override the file: --journal DIR and --no-journal', () => {
    const on = parse({ dir: '/var/j', durability: 'fsync' });
    expect(journalSettings(on)).toEqual({ dir: '/var/j', durability: 'fsync' });
    expect(journalSettings(on, { dir: '/tmp/j' })).toEqual({ dir: '/tmp/j', durability: 'fsync' });
    expect(journalSettings(on, { off: true })).toBeUndefined();
    expect(journalSettings(parse(false))).toBeUndefined();
    expect(journalSettings(parse(false), { dir: '/tmp/j' })).toEqual({ dir: '/tmp/j' });
  });
});
