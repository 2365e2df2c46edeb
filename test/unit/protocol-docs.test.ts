/*
 * The documents cannot drift from the code: every enum, capability, error-code and layout
 * table of docs/protocol.md is the model's, every field table of docs/config.md is what the
 * parser accepts, and, where ../shared/protocol.md is present, its tables are the model's too.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as model from '../../src/shared/model';
import { FrameType } from '../../src/main/wire';
import { parseConfig } from '../../src/main/host/config';
import { C_STRUCTS, type CField } from '../../src/cli/c-header';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (rel: string): string => readFileSync(path.join(repo, rel), 'utf8');
const sharedProtocol = path.resolve(repo, '..', 'shared', 'protocol.md');

/** One markdown table and the heading it sits under. */
interface Table {
  heading: string;
  head: string[];
  rows: string[][];
}

/** Every table of `md`, cells trimmed and stripped of backticks and bold markers. */
function tables(md: string): Table[] {
  const out: Table[] = [];
  let heading = '';
  let current: Table | null = null;
  const cells = (line: string): string[] =>
    line
      .slice(1, line.lastIndexOf('|'))
      .split('|')
      .map((c) =>
        c
          .replace(/\*\*\[[^\]]*\]\*\*/g, '')
          .replace(/[`*]/g, '')
          .trim(),
      );
  for (const line of md.split('\n')) {
    if (line.startsWith('#'))
      heading = line
        .replace(/^#+\s*/, '')
        .replace(/`/g, '')
        .replace(/ \[project\]$/, '');
    if (!line.startsWith('|')) {
      current = null;
      continue;
    }
    if (!current) {
      current = { heading, head: cells(line), rows: [] };
      out.push(current);
    } else if (!/^\|[\s:|-]+\|$/.test(line)) current.rows.push(cells(line));
  }
  return out;
}

function table(all: Table[], heading: string): Table {
  const found = all.filter((t) => t.heading === heading);
  expect(found, `one table under "${heading}"`).toHaveLength(1);
  return found[0]!;
}

/** name → number from a table whose first column is the number and second the name. */
const numbered = (t: Table): Record<string, number> =>
  Object.fromEntries(t.rows.map((r) => [r[1]!, Number(r[0])]));

/** Expands "16..19, 32..36" into the numbers. */
function ranges(text: string): number[] {
  return [...text.matchAll(/(\d+)\.\.(\d+)/g)].flatMap((m) => {
    const [lo, hi] = [Number(m[1]), Number(m[2])];
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  });
}

const C_SIZES: Record<string, number> = {
  uint8_t: 1,
  char: 1,
  uint16_t: 2,
  uint32_t: 4,
  int32_t: 4,
  uint64_t: 8,
  double: 8,
  'struct { uint16_t kind; uint16_t code; }': 4,
};
const fieldSize = (f: CField): number => C_SIZES[f.c]! * (f.count ?? 1);

describe('docs/protocol.md', () => {
  const all = tables(read('docs/protocol.md'));
  const enums: [string, Readonly<Record<string, number>>][] = [
    ['Kinds', model.Kind],
    ['Sources', model.Source],
    ['Directions', model.Dir],
    ['Priorities', model.Prio],
    ['Lease classes', model.LeaseClass],
    ['Lease denial reasons', model.LeaseDeny],
    ['Lifecycle operations', model.LifecycleOp],
    ['VM operations', model.VmOp],
    ['VM states', model.VmState],
    ['Input kinds', model.InputKind],
    ['Codecs', model.Codec],
    ['Payload flags', model.PayloadFlag],
    ['Memory-write flags', model.MemWriteFlag],
    ['Seam reasons', model.SeamReason],
    ['Invalidation reasons', model.InvalidateReason],
    ['Frame types', FrameType],
    ['Capabilities', model.Cap],
    ['Error codes', model.ErrorCode],
  ];

  it.each(enums)('the %s table is the model, name for name and number for number', (heading, map) => {
    expect(numbered(table(all, heading))).toEqual({ ...map });
  });

  it('lists the retired kind numbers the model refuses', () => {
    const line = /Retired kind numbers[^:]*: ([\d., ]+)\./.exec(read('docs/protocol.md'));
    expect(line).not.toBeNull();
    expect(ranges(line![1]!)).toEqual([...model.RETIRED_KINDS]);
  });

  it.each(C_STRUCTS.map((s) => [s.name, s] as const))(
    'the %s table has the C header table offsets, sizes and fields',
    (name, s) => {
      const t = table(all, name);
      expect(t.head.slice(0, 4)).toEqual(['offset', 'size', 'type', 'field']);
      expect(t.rows.map((r) => [Number(r[0]), Number(r[1]), r[3]])).toEqual(
        s.fields.map((f) => [f.offset, fieldSize(f), f.name]),
      );
    },
  );

  it('the inline layouts fit the 48-byte inline zone and the body tables sum to their struct size', () => {
    for (const s of C_STRUCTS) {
      const last = s.fields[s.fields.length - 1]!;
      expect(last.offset + fieldSize(last), s.name).toBeLessThanOrEqual(s.size);
    }
  });
});

describe('docs/config.md', () => {
  const all = tables(read('docs/config.md'));
  /** The field list the parser names when it refuses an unknown field at `doc`. */
  function known(doc: unknown): string[] {
    try {
      parseConfig(doc, null);
    } catch (e) {
      const m = /known: ([^)]*)\)/.exec((e as Error).message);
      if (m) return m[1]!.split(', ').sort();
      throw e;
    }
    throw new Error('the parser accepted an unknown field');
  }
  const fields = (heading: string): string[] =>
    table(all, heading)
      .rows.map((r) => r[0]!)
      .sort();

  it.each([
    ['Top level', { colour: 1 }],
    ['vms[]', { vms: [{ colour: 1 }] }],
    ['vms[].managed', { vms: [{ id: 1, name: 'a', managed: { colour: 1 } }] }],
    ['controls[]', { controls: [{ colour: 1 }] }],
    ['journal', { journal: { colour: 1 } }],
    ['nats', { nats: { colour: 1 } }],
  ])('the %s table lists exactly the fields the parser accepts', (heading, doc) => {
    expect(fields(heading)).toEqual(known(doc));
  });
});

describe.skipIf(!existsSync(sharedProtocol))('../shared/protocol.md against the model', () => {
  const text = existsSync(sharedProtocol) ? readFileSync(sharedProtocol, 'utf8') : '';
  const all = tables(text);
  const section = (n: number): string => text.slice(text.indexOf(`## ${n}.`), text.indexOf(`## ${n + 1}.`));

  it('§2 frame types are FrameType', () => {
    const t = all.find((x) => x.head[0] === 'type')!;
    for (const [name, type] of Object.entries(numbered(t)))
      expect(FrameType[name as keyof typeof FrameType]).toBe(type);
  });

  it('§3 WELCOME and §4 EVENT body tables are the C header table offsets', () => {
    const byOffset = (t: Table): [number, string][] =>
      t.rows.map((r) => [Number(r[0]), r[2]!.replace(/[ ,].*$/, '')]);
    const welcome = all.find((t) => t.heading.startsWith('3.') && t.head[0] === 'offset')!;
    const event = all.find((t) => t.heading.startsWith('4.'))!;
    const struct = (n: string): [number, string][] =>
      C_STRUCTS.find((s) => s.name === n)!.fields.map((f) => [f.offset, f.name]);
    expect(byOffset(welcome)).toEqual(struct('vmsig_welcome'));
    expect(byOffset(event).filter(([at]) => at < 96)).toEqual(struct('vmsig_wire_event'));
  });

  it('§6 capability table and §10 HOST are Cap', () => {
    const t = all.find((x) => x.head[1] === 'cap')!;
    expect({ ...numbered(t), HOST: Number(/(0x[0-9a-f]+) HOST/.exec(section(10))![1]) }).toEqual({
      ...model.Cap,
    });
  });

  it('§8 and §10 error codes are ErrorCode (frame TIMEOUT is FRAME_TIMEOUT here)', () => {
    const pairs = [...`${section(8)} ${section(10)}`.matchAll(/\b(\d+) ([A-Z][A-Z_]+)\b/g)].map(
      (m) => [m[2] === 'TIMEOUT' && Number(m[1]) >= 100 ? 'FRAME_TIMEOUT' : m[2]!, Number(m[1])] as const,
    );
    const codes = Object.fromEntries(pairs.filter(([name]) => name in model.ErrorCode));
    expect(codes).toEqual({ ...model.ErrorCode });
  });

  it('§4 retired kind numbers are RETIRED_KINDS', () => {
    const line = /Retired kind numbers \(([^)]*)\)/.exec(text)!;
    expect(ranges(line[1]!)).toEqual([...model.RETIRED_KINDS]);
  });
});
