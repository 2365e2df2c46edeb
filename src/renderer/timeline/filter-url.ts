/*
 * The timeline filter in the page address's query, so an operator can share a view with
 * another on the same host: kind, source and dir by name, prio by name, VM by id, text.
 * Only these keys are written; other query keys stay, and the fragment (where the token
 * arrives) is never read or written here. Unknown names are ignored, never thrown on.
 */
import { Dir, Kind, Prio, Source, nameOf } from '../../shared/model';
import { NO_FILTER, type TimelineFilter } from './event-filter';

const KEYS = ['kind', 'source', 'dir', 'prio', 'vm', 'q'] as const;

function names(map: Record<string, number>, raw: string | null): number[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => map[s.trim().toUpperCase()])
    .filter((v): v is number => typeof v === 'number');
}

/** The filter a query string names (NO_FILTER's values for what it leaves out). */
export function filterFromQuery(search: string): TimelineFilter {
  const q = new URLSearchParams(search);
  const vm = (q.get('vm') ?? '')
    .split(',')
    .map(Number)
    .filter((v) => Number.isInteger(v) && v > 0 && v < 2 ** 31);
  const prio = Prio[(q.get('prio') ?? '').toUpperCase() as keyof typeof Prio];
  return {
    ...NO_FILTER,
    kinds: names(Kind, q.get('kind')),
    sources: names(Source, q.get('source')),
    dirs: names(Dir, q.get('dir')),
    prioMin: typeof prio === 'number' ? prio : 0,
    endpoints: vm,
    text: (q.get('q') ?? '').slice(0, 200),
  };
}

/** `search` with the filter's keys replaced (empty ones removed); other keys kept. */
export function queryWithFilter(search: string, f: TimelineFilter): string {
  const q = new URLSearchParams(search);
  for (const k of KEYS) q.delete(k);
  const list = (map: Record<string, number>, vs: number[]): string => vs.map((v) => nameOf(map, v)).join(',');
  if (f.kinds.length) q.set('kind', list(Kind, f.kinds));
  if (f.sources.length) q.set('source', list(Source, f.sources));
  if (f.dirs.length) q.set('dir', list(Dir, f.dirs));
  if (f.prioMin) q.set('prio', nameOf(Prio, f.prioMin));
  if (f.endpoints.length) q.set('vm', f.endpoints.join(','));
  if (f.text.trim()) q.set('q', f.text.trim());
  const s = q.toString();
  return s ? `?${s}` : '';
}
