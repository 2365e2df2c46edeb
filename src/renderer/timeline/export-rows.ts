/*
 * The rows the current filter shows, as JSONL or CSV text for export: each event once with
 * its decoded fields and origin, state rows and gap rows marked in a `row` column so a
 * reader can tell them from routed events. Pure over the ring and index; no DOM.
 */
import { describeEvent } from '../../shared/model';
import { type EventRing, RowKind } from './event-ring';
import type { TimelineIndex } from './timeline-index';
import { fieldsText } from './row-text';

/** One exported row. */
export interface ExportRow {
  row: 'event' | 'state' | 'gap';
  seq: number | null;
  tsNs: number | null;
  endpoint: number | null;
  kind: string;
  source: string;
  dir: string;
  prio: string;
  corr: number | null;
  origin: number | null;
  fields: Record<string, unknown> | string;
  /** The fleet host of the event, present on every row once the timeline holds other hosts' events. */
  host?: string;
}

/** The index's rows in order, decoded. */
export function exportRows(ring: EventRing, index: TimelineIndex, selfHost = 'local'): ExportRow[] {
  const out: ExportRow[] = [];
  const hostOf = (n: number): { host?: string } =>
    ring.hasRemote ? { host: ring.hostOf(n) || selfHost } : {};
  for (let i = 0; i < index.length; i++) {
    const n = index.at(i);
    const rk = ring.rowKind(n);
    if (rk === RowKind.GAP) {
      out.push({
        row: 'gap',
        seq: null,
        tsNs: null,
        endpoint: null,
        kind: '',
        source: '',
        dir: '',
        prio: '',
        corr: null,
        origin: null,
        fields: ring.note(n),
        ...hostOf(n),
      });
      continue;
    }
    const ev = ring.get(n);
    if (!ev) continue;
    const d = describeEvent(ev);
    out.push({
      row: rk === RowKind.STATE ? 'state' : 'event',
      seq: d.seq,
      tsNs: d.tsNs,
      endpoint: d.endpoint,
      kind: d.kind,
      source: d.source,
      dir: d.dir,
      prio: d.prio,
      corr: ev.corr,
      origin: ev.origin,
      fields: d.fields,
      ...hostOf(n),
    });
  }
  return out;
}

/** One JSON object per line. */
export function toJsonl(rows: readonly ExportRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}

const CSV_COLUMNS = [
  'row',
  'seq',
  'tsNs',
  'endpoint',
  'kind',
  'source',
  'dir',
  'prio',
  'corr',
  'origin',
  'fields',
] as const;

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line, then one line per row; fields as `key=value` text. */
export function toCsv(rows: readonly ExportRow[]): string {
  // The host column only when the rows carry hosts (a fleet timeline); otherwise unchanged.
  const columns = rows[0]?.host !== undefined ? ([...CSV_COLUMNS, 'host'] as const) : CSV_COLUMNS;
  const lines = [columns.join(',')];
  for (const r of rows)
    lines.push(
      columns
        .map((c) =>
          csvField(c === 'fields' && typeof r.fields !== 'string' ? fieldsText(r.fields as never) : r[c]),
        )
        .join(','),
    );
  return lines.join('\r\n') + '\r\n';
}
