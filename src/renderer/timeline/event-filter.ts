/*
 * The timeline's filters as a pure predicate over ring entries: kind, source, dir, prio,
 * VM and free text (matched against the decoded, described event). Cheap numeric checks
 * run first; the text check describes the event only when everything else passed.
 */
import { describeEvent } from '../../shared/model';
import { type EventRing, RowKind } from './event-ring';

/** What the operator filters by; empty sets mean "any". */
export interface TimelineFilter {
  kinds: number[];
  sources: number[];
  dirs: number[];
  prioMin: number;
  endpoints: number[];
  text: string;
}

/** The filter that admits everything. */
export const NO_FILTER: TimelineFilter = {
  kinds: [],
  sources: [],
  dirs: [],
  prioMin: 0,
  endpoints: [],
  text: '',
};

/** Whether a filter admits everything (so the index can skip checks). */
export function isEmptyFilter(f: TimelineFilter): boolean {
  return (
    f.kinds.length === 0 &&
    f.sources.length === 0 &&
    f.dirs.length === 0 &&
    f.prioMin === 0 &&
    f.endpoints.length === 0 &&
    f.text.trim() === ''
  );
}

/** The searchable text of one event: its described JSON, lowercased. */
export function eventText(ring: EventRing, n: number): string {
  const ev = ring.get(n);
  return ev ? JSON.stringify(describeEvent(ev)).toLowerCase() : '';
}

/** A compiled predicate for ring entries. */
export function compileFilter(f: TimelineFilter): (ring: EventRing, n: number) => boolean {
  if (isEmptyFilter(f)) return () => true;
  const kinds = new Set(f.kinds);
  const sources = new Set(f.sources);
  const dirs = new Set(f.dirs);
  const eps = new Set(f.endpoints);
  const text = f.text.trim().toLowerCase();
  return (ring, n) => {
    // A gap row says events are missing, whatever they were: every filter keeps it.
    if (ring.rowKind(n) === RowKind.GAP) return true;
    const h = ring.header(n);
    if (kinds.size && !kinds.has(h.kind)) return false;
    if (sources.size && !sources.has(h.source)) return false;
    if (dirs.size && !dirs.has(h.dir)) return false;
    if (h.prio < f.prioMin) return false;
    if (eps.size && !eps.has(h.endpoint)) return false;
    return text === '' || eventText(ring, n).includes(text);
  };
}
