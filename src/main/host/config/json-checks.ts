/* Small JSON shape checks shared by the configuration parsers; each throws ConfigError naming the field. */
import { ConfigError } from './config-error';

/** Whether `v` is a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short rendering of a bad value for messages. */
export function str(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Throws naming every key of `o` not in `known` (a typo must not pass silently). */
export function checkKeys(o: Record<string, unknown>, known: readonly string[], at: string): void {
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const where = (k: string): string => (at ? `${at}.${k}` : k);
    throw new ConfigError(
      where(unknown[0]!),
      `unknown field${unknown.length > 1 ? `s ${unknown.map((k) => `"${where(k)}"`).join(', ')}` : ''} (known: ${known.join(', ')})`,
    );
  }
}

/** A non-empty string, or ConfigError. */
export function requireString(v: unknown, at: string): string {
  if (typeof v !== 'string' || v.trim() === '')
    throw new ConfigError(at, `must be a non-empty string, got ${str(v)}`);
  return v;
}
