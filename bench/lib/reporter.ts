/*
 * The contract between `npm run bench` and each bench/*.bench.ts module: a module runs its
 * measurements and records every figure through a Reporter; it never prints by itself.
 */

/** Records one figure: a unique name, its value, the unit, and an optional note (baseline, target). */
export type Reporter = (name: string, value: number, unit: string, note?: string) => void;

/** What a bench/*.bench.ts module exports. */
export interface BenchModule {
  run(report: Reporter): Promise<void>;
}

/** One recorded figure. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** Whether an imported module has the shape of a benchmark. */
export function isBenchModule(m: unknown): m is BenchModule {
  return typeof m === 'object' && m !== null && typeof (m as { run?: unknown }).run === 'function';
}

/** Renders figures as an aligned text table. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.name, formatValue(f.value), f.unit, f.note ?? '']);
  const head = ['figure', 'value', 'unit', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}
