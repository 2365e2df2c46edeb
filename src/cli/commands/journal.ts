/*
 * `vmsig journal`: prints and exports the host's durable journal (newest N matching
 * records, oldest first) as text, JSONL or CSV. It only reads the journal directory; it
 * never talks to a running host and never repairs a segment.
 */
import { existsSync } from 'node:fs';
import {
  type HostOpRecord,
  JournalReader,
  type JournalRecord,
  defaultJournalDir,
} from '../../main/host/journal';
import { ErrorCode, Kind, describeEvent, nameOf } from '../../shared/model';
import { type CliCommand, UsageError, intArg, opt, parseArgs } from '../command';

const FORMATS = ['text', 'jsonl', 'csv'] as const;
const CSV_HEADER = [
  'rec',
  'time',
  'kind',
  'source',
  'dir',
  'prio',
  'vm',
  'seq',
  'corr',
  'ts_ns',
  'principal',
  'control',
  'refused',
  'fields',
];
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Epoch ms from an ISO date, epoch milliseconds, or a duration ago (`90s`, `15m`, `2h`, `7d`). */
export function parseWhen(value: string, what: string, now = Date.now()): number {
  const rel = /^(\d+)([smhd])$/.exec(value);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (/^\d{10,}$/.test(value)) return Number(value);
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new UsageError(`${what} must be an ISO date, epoch ms or a duration like 15m, got "${value}"`);
  return t;
}

/** Kind numbers from a comma-separated list of names (CMD_VM) or numbers. */
function parseKinds(value: string): number[] {
  return value.split(',').map((k) => {
    const name = k.trim().toUpperCase();
    const byName = Kind[name as keyof typeof Kind];
    if (byName !== undefined) return byName;
    return intArg(k.trim(), `--kind "${k}"`, 0, 127);
  });
}

/** Who and when, first in every exported record (events and host operations alike). */
function metaJson(r: JournalRecord | HostOpRecord): Record<string, unknown> {
  return {
    rec: r.rec,
    time: new Date(r.wallMs).toISOString(),
    principal: r.principal,
    control: r.controlName,
    controlId: r.controlId,
    refused: r.refused === null ? null : nameOf(ErrorCode, r.refused),
  };
}

/** A record as one plain object: the described event plus who and when. */
function recordJson(r: JournalRecord): Record<string, unknown> {
  return { ...metaJson(r), ...describeEvent(r.event) };
}

/** A host operation record as one plain object (`--host-ops`). */
function hostOpJson(r: HostOpRecord): Record<string, unknown> {
  const { op, vm, phase, err, args, message } = r.hostOp;
  return {
    ...metaJson(r),
    op,
    vm,
    phase,
    outcome: phase === 'done' ? nameOf(ErrorCode, err) : null,
    args,
    ...(message === undefined ? {} : { message }),
  };
}

const HOST_OP_CSV = [
  'rec',
  'time',
  'op',
  'vm',
  'phase',
  'outcome',
  'principal',
  'control',
  'refused',
  'args',
  'message',
];

function hostOpLine(r: HostOpRecord, format: string): string {
  const j = hostOpJson(r);
  if (format === 'jsonl') return JSON.stringify(j);
  if (format === 'csv')
    return HOST_OP_CSV.map((k) =>
      csvField(typeof j[k] === 'object' && j[k] !== null ? JSON.stringify(j[k]) : j[k]),
    ).join(',');
  const who = ` ${r.controlName || '?'}(${r.principal})`;
  const verdict =
    r.refused !== null ? ` REFUSED ${String(j.refused)}` : j.outcome ? ` -> ${String(j.outcome)}` : '';
  const msg = r.hostOp.message ? ` (${r.hostOp.message})` : '';
  return `${String(j.time)} #${r.rec} vm${r.hostOp.vm} HOST ${r.hostOp.op} ${r.hostOp.phase}${who}${verdict} ${JSON.stringify(r.hostOp.args)}${msg}`;
}

const csvField = (v: unknown): string => `"${String(v ?? '').replaceAll('"', '""')}"`;

function csvLine(r: JournalRecord): string {
  const d = describeEvent(r.event);
  const refused = r.refused === null ? '' : nameOf(ErrorCode, r.refused);
  return [
    r.rec,
    new Date(r.wallMs).toISOString(),
    d.kind,
    d.source,
    d.dir,
    d.prio,
    d.endpoint,
    d.seq,
    d.corr,
    d.tsNs,
    r.principal,
    r.controlName,
    refused,
    JSON.stringify(d.fields),
  ]
    .map(csvField)
    .join(',');
}

function textLine(r: JournalRecord): string {
  const d = describeEvent(r.event);
  const who = r.principal !== 0 || r.controlName ? ` ${r.controlName || '?'}(${r.principal})` : '';
  const fields = Object.entries(d.fields)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  const refused = r.refused === null ? '' : ` REFUSED ${nameOf(ErrorCode, r.refused)}`;
  return `${new Date(r.wallMs).toISOString()} #${r.rec} vm${d.endpoint} ${d.kind} ${d.dir} corr=${d.corr}${who}${refused} ${fields}`.trimEnd();
}

export const journalCommand: CliCommand = {
  name: 'journal',
  summary: 'print or export the durable journal (text, JSONL, CSV)',
  usage:
    'vmsig journal [--dir D] [--since T] [--until T] [--vm N] [--kind K[,K..]] [--principal P] [--limit N] [--format text|jsonl|csv] [--host-ops]\n' +
    '  --host-ops: the host operations (VM start, stop, add, remove ...) with who asked and the verdict, instead of events.\n' +
    '  T: ISO date, epoch ms, or a duration ago (90s, 15m, 2h, 7d). Prints the newest N (default 100) matching records, oldest first.\n' +
    '  Default dir: $XDG_STATE_HOME/vmsig/journal (else ~/.local/state/vmsig/journal).',
  async run(args, io) {
    const p = parseArgs(
      args,
      ['dir', 'since', 'until', 'vm', 'kind', 'principal', 'limit', 'format'],
      ['host-ops'],
    );
    if (p.positionals.length > 0) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
    const format = opt(p, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const dir = opt(p, 'dir') ?? defaultJournalDir();
    if (!existsSync(dir)) {
      io.err(`vmsig journal: no journal at ${dir}`);
      return 1;
    }
    const since = opt(p, 'since');
    const until = opt(p, 'until');
    const vm = opt(p, 'vm');
    const kind = opt(p, 'kind');
    const principal = opt(p, 'principal');
    const hostOps = p.options.has('host-ops');
    if (hostOps && kind !== undefined) throw new UsageError('--kind does not apply to --host-ops');
    const q = {
      limit: intArg(opt(p, 'limit') ?? '100', '--limit', 1, 10_000_000),
      fromMs: since === undefined ? undefined : parseWhen(since, '--since'),
      toMs: until === undefined ? undefined : parseWhen(until, '--until'),
      vm: vm === undefined ? undefined : intArg(vm, '--vm', 0, 63),
      kinds: kind === undefined ? undefined : parseKinds(kind),
      principal: principal === undefined ? undefined : intArg(principal, '--principal', 0, 0xffffffff),
    };
    const reader = new JournalReader(dir);
    const page = hostOps ? reader.hostOps(q) : reader.query(q);
    for (const d of page.damage)
      io.err(
        `vmsig journal: ${d.tail ? 'torn tail' : 'corrupt bytes'} in ${dir}/${d.segment} at byte ${d.offset} (${d.length} bytes, ${d.reason}); skipped`,
      );
    if (hostOps) {
      if (format === 'csv') io.out(HOST_OP_CSV.join(','));
      for (const r of (page.records as HostOpRecord[]).reverse()) io.out(hostOpLine(r, format));
      return 0;
    }
    const records = (page.records as JournalRecord[]).reverse();
    if (format === 'csv') io.out(CSV_HEADER.join(','));
    for (const r of records)
      io.out(
        format === 'jsonl' ? JSON.stringify(recordJson(r)) : format === 'csv' ? csvLine(r) : textLine(r),
      );
    return 0;
  },
};
