/*
 * How one timeline row reads: decoded inline fields as `key=value` pairs, and a time
 * relative to the core clock. Pure formatting over describeEvent; never mutates the event.
 */
import type { DescribedEvent } from '../../shared/model';

/** `key=value` pairs of the decoded fields, arrays joined. */
export function fieldsText(fields: DescribedEvent['fields']): string {
  // A kind without inline fields decodes as a hex dump of zeros: show nothing instead.
  if (typeof fields.inln === 'string' && /^0*$/.test(fields.inln)) return '';
  return Object.entries(fields)
    .map(
      ([k, v]) =>
        `${k}=${Array.isArray(v) ? `[${v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(' ')}]` : String(v)}`,
    )
    .join(' ');
}

/** Core-clock ns → "HH:MM:SS.mmm" wall time, given one (ns, ms) pair of the same instant. */
export function wallTime(tsNs: number, clock: { ns: number; ms: number } | null): string {
  if (!clock || tsNs === 0) return '';
  const d = new Date(clock.ms - (clock.ns - tsNs) / 1e6);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
