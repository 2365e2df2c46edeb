/*
 * Validation of the optional `journal` object (a project addition to config.md): where the
 * journal lives, its durability, its disk budget, which kinds it samples and whether it
 * redacts typed key codes (`redactKeys`, default true). `false` turns it off. Pure: it
 * reads no file; the policy is checked by the journal's own rules.
 */
import path from 'node:path';
import { isVmsigError } from '../../../shared/model';
import { type JournalPolicy, RecordPolicy } from '../journal';
import { ConfigError } from './config-error';
import type { JournalConfig } from './config-types';
import { checkKeys, isObject, requireString, str } from './json-checks';

const JOURNAL_KEYS = ['dir', 'durability', 'maxTotalMiB', 'maxAgeDays', 'segmentMiB', 'policy', 'redactKeys'];
const MiB = 1024 * 1024;
const DAY_MS = 24 * 3600 * 1000;

function positive(v: unknown, at: string, integer: boolean): number {
  if (typeof v !== 'number' || !(v > 0) || (integer && !Number.isInteger(v)) || !Number.isFinite(v))
    throw new ConfigError(at, `must be a positive ${integer ? 'integer' : 'number'}, got ${str(v)}`);
  return v;
}

/** Parses `journal` (absent → on with defaults; `false` → off). */
export function parseJournal(v: unknown, baseDir: string): JournalConfig {
  if (v === undefined) return { enabled: true };
  if (v === false) return { enabled: false };
  if (!isObject(v)) throw new ConfigError('journal', 'must be an object, or false to run without a journal');
  checkKeys(v, JOURNAL_KEYS, 'journal');
  const out: JournalConfig = { enabled: true };
  if (v.dir !== undefined) out.dir = path.resolve(baseDir, requireString(v.dir, 'journal.dir'));
  if (v.durability !== undefined) {
    if (v.durability !== 'os' && v.durability !== 'fsync')
      throw new ConfigError('journal.durability', `must be "os" or "fsync", got ${str(v.durability)}`);
    out.durability = v.durability;
  }
  if (v.maxTotalMiB !== undefined)
    out.maxTotalBytes = positive(v.maxTotalMiB, 'journal.maxTotalMiB', true) * MiB;
  if (v.segmentMiB !== undefined)
    out.maxSegmentBytes = positive(v.segmentMiB, 'journal.segmentMiB', true) * MiB;
  if (v.maxAgeDays !== undefined) out.maxAgeMs = positive(v.maxAgeDays, 'journal.maxAgeDays', false) * DAY_MS;
  if (v.redactKeys !== undefined) {
    if (typeof v.redactKeys !== 'boolean')
      throw new ConfigError('journal.redactKeys', `must be true or false, got ${str(v.redactKeys)}`);
    out.redactKeys = v.redactKeys;
  }
  if (v.policy !== undefined) {
    if (!isObject(v.policy))
      throw new ConfigError('journal.policy', 'must be an object of kind name → policy');
    try {
      new RecordPolicy(v.policy as JournalPolicy, () => 0);
    } catch (e) {
      if (isVmsigError(e)) throw new ConfigError('journal.policy', e.message.replace(/^INVAL: /, ''));
      throw e;
    }
    out.policy = v.policy as JournalPolicy;
  }
  return out;
}
