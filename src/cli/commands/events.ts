/*
 * `vmsig events`: follows the event stream with a subscription built from the filters,
 * printing one line per event (human-readable, or JSON via describeEvent). It only reads.
 */
import {
  Dir,
  ErrorCode,
  Kind,
  Prio,
  Source,
  type VmsigEvent,
  describeEvent,
  nameOf,
} from '../../shared/model';
import { ALL_ENDPOINTS, type SubscriptionFilter, kindSet, maskOf } from '../../main/core';
import { type CliCommand, type ParsedArgs, UsageError, intArg, opt, parseArgs } from '../command';
import { CONNECT_OPTIONS, CONNECT_USAGE, openSession } from './session';

/** Parses a comma list of names from `map` (any case) or numbers in 0..max. */
function namesOrNumbers(
  v: string,
  map: Readonly<Record<string, number>>,
  what: string,
  max: number,
): number[] {
  return v.split(',').map((raw) => {
    const s = raw.trim();
    const key = s.toUpperCase();
    if (Object.hasOwn(map, key)) return map[key]!;
    const n = Number(s);
    if (s !== '' && Number.isInteger(n) && n >= 0 && n <= max) return n;
    throw new UsageError(`unknown ${what} "${s}" (known: ${Object.keys(map).join(', ')}, or a number)`);
  });
}

/** The SUBSCRIBE filter for the command's options. */
export function filterFromArgs(p: ParsedArgs): SubscriptionFilter {
  const kinds = opt(p, 'kind');
  const sources = opt(p, 'source');
  const dir = opt(p, 'dir');
  const prio = opt(p, 'prio-min');
  const vms = opt(p, 'vm');
  return {
    kinds: kinds ? kindSet(namesOrNumbers(kinds, Kind, 'kind', 127)) : new Uint8Array(16).fill(0xff),
    sources: sources
      ? namesOrNumbers(sources, Source, 'source', 31).reduce((m, s) => (m | (1 << s)) >>> 0, 0)
      : 0xffffffff,
    dirs: dir ? namesOrNumbers(dir, Dir, 'dir', 1).reduce((m, d) => m | (1 << d), 0) : 0b11,
    prioMin: prio ? namesOrNumbers(prio, Prio, 'prio', 3)[0]! : 0,
    endpoints: vms
      ? maskOf([0, ...vms.split(',').map((v) => intArg(v.trim(), '--vm', 1, 63))])
      : ALL_ENDPOINTS,
  };
}

/** One human-readable line for `ev`. */
export function eventLine(ev: VmsigEvent): string {
  const d = describeEvent(ev);
  const fields = Object.entries(d.fields)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === 'string' ? (/\s/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v)}`,
    )
    .join(' ');
  const ts = (ev.tsNs / 1e9).toFixed(6);
  return `${String(ev.seq).padStart(7)} ${ts} vm${ev.endpoint} ${d.kind.padEnd(18)} ${nameOf(Source, ev.source)}/${d.dir}/${d.prio}${ev.corr ? ` corr=${ev.corr}` : ''}${fields ? ` ${fields}` : ''}`;
}

export const eventsCommand: CliCommand = {
  name: 'events',
  summary: 'follow events (filters: --kind --source --dir --prio-min --vm; --json)',
  usage: `vmsig events [--kind K,...] [--source S,...] [--dir up|down] [--prio-min P] [--vm N,...] [--json] [--count N] ${CONNECT_USAGE}`,
  async run(args, io) {
    const p = parseArgs(
      args,
      [...CONNECT_OPTIONS, 'kind', 'source', 'dir', 'prio-min', 'vm', 'count'],
      ['json'],
    );
    if (p.positionals.length) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
    const filter = filterFromArgs(p);
    const count = opt(p, 'count') === undefined ? Infinity : intArg(opt(p, 'count'), '--count', 1, 2 ** 31);
    const json = p.options.has('json');
    const client = await openSession(p, 'events');
    let seen = 0;
    return new Promise<number>((resolve) => {
      const stop = (): void => void client.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      client.onEvent((ev) => {
        if (seen >= count) return;
        seen++;
        io.out(json ? JSON.stringify(describeEvent(ev)) : eventLine(ev));
        if (seen >= count) stop();
      });
      client.onErrorFrame((e) => io.err(`server: ${nameOf(ErrorCode, e.code)}: ${e.msg}`));
      client.subscribe(filter);
      void client.closed.then(({ error }) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(error && seen < count ? 1 : 0);
      });
    });
  },
};
