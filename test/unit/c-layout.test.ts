/*
 * Holds the TypeScript event model against the C compiler. In every clone: the header that
 * `vmsig kinds --c-header` generates compiles with gcc -Werror -pedantic, its constants are
 * the model's, its struct sizes and offsets the table's. Where ../shared/seed is present:
 * the model against the seed header (sizes, offsets, every constant), and the generated
 * header's constants against the seed's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as model from '../../src/shared/model';
import { run } from '../../src/cli/main';
import { C_CONST_GROUPS, C_STRUCTS, cConstants, generateCHeader } from '../../src/cli/c-header';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const seedDir = path.resolve(repoRoot, '..', 'shared', 'seed');
const header = path.join(seedDir, 'vmsig_event.h');
const haveSeed = existsSync(header);
if (!haveSeed) {
  console.warn(`c-layout: ${header} is absent (a clone without ../shared/seed); skipping the C layout check`);
}

/** C name → TS value, by the header's prefixes (longest first) and the few named limits. */
const PREFIXES: [string, Readonly<Record<string, number>>][] = [
  ['VMSIG_LEASE_DENY_', model.LeaseDeny],
  ['VMSIG_LEASE_', model.LeaseClass],
  ['VMSIG_EV_', model.Kind],
  ['VMSIG_SRC_', model.Source],
  ['VMSIG_DIR_', model.Dir],
  ['VMSIG_PRIO_', model.Prio],
  ['VMSIG_LIFE_', model.LifecycleOp],
  ['VMSIG_INPUT_', model.InputKind],
  ['VMSIG_VMOP_', model.VmOp],
  ['VMSIG_VM_', model.VmState],
  ['VMSIG_CODEC_', model.Codec],
  ['VMSIG_PL_', model.PayloadFlag],
  ['VMSIG_MW_', model.MemWriteFlag],
];
const NAMED: Record<string, number> = {
  VMSIG_SRC_MAX: model.SOURCE_MAX,
  VMSIG_PRIO_MAX: model.PRIO_MAX,
  VMSIG_EV_KIND_MAX: model.KIND_MAX,
  VMSIG_LEASE_CLASS_MAX: model.LEASE_CLASS_MAX,
  VMSIG_MEMWRITE_INLINE: model.MEMWRITE_INLINE,
  VMSIG_INPUT_HELD_TRUNC: model.INPUT_HELD_TRUNC,
};

function tsValueOf(cName: string): number | undefined {
  if (cName in NAMED) return NAMED[cName];
  for (const [prefix, map] of PREFIXES) if (cName.startsWith(prefix)) return map[cName.slice(prefix.length)];
  return undefined;
}

/** Every enum constant and #define the header declares (comments stripped first). */
function declaredConstants(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const names = [...code.matchAll(/#define[ \t]+(VMSIG_\w+)[ \t]+\S/g)].map((m) => m[1]!);
  for (const body of code.matchAll(/enum\s*\{([^}]*)\}/g)) {
    for (const item of body[1]!.split(',')) {
      const name = item.trim().split(/[\s=]/)[0];
      if (name) names.push(name);
    }
  }
  return names;
}

/** Compiles `src` (with `dir` on the include path) and runs it; its stdout's `TAG name value` lines. */
function probe(dir: string, includeDir: string, src: string): Map<string, number> {
  const exe = path.join(dir, `probe-${path.basename(src, '.c')}`);
  try {
    execFileSync(
      'gcc',
      ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic', '-I', includeDir, '-o', exe, src],
      {
        stdio: 'pipe',
      },
    );
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`gcc could not build ${src}: ${err.stderr?.toString() ?? err.message}`);
  }
  const out = new Map<string, number>();
  for (const line of execFileSync(exe, { encoding: 'utf8' }).trim().split('\n')) {
    const [tag, name, value] = line.split(' ') as [string, string, string];
    out.set(`${tag} ${name}`, Number(value));
  }
  return out;
}

/** A C program printing every generated constant (C), struct size (S) and field offset (F). */
function generatedProbe(): string {
  const lines = ['#include <stdio.h>', '#include "vmsig_protocol.h"', 'int main(void) {'];
  for (const name of cConstants().keys()) lines.push(`  printf("C ${name} %lld\\n", (long long)${name});`);
  for (const s of C_STRUCTS) {
    lines.push(`  printf("S ${s.name} %zu\\n", sizeof(${s.name}));`);
    for (const f of s.fields)
      lines.push(`  printf("F ${s.name}.${f.name} %zu\\n", offsetof(${s.name}, ${f.name}));`);
  }
  lines.push('  return 0;', '}', '');
  return lines.join('\n');
}

describe('the generated C header (every clone)', () => {
  let dir = '';
  let seen = new Map<string, number>();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmsig-c-header-'));
    writeFileSync(path.join(dir, 'vmsig_protocol.h'), generateCHeader());
    writeFileSync(path.join(dir, 'probe.c'), generatedProbe());
    seen = probe(dir, dir, path.join(dir, 'probe.c'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('vmsig kinds --c-header prints exactly the generated header', async () => {
    const out: string[] = [];
    const code = await run(['kinds', '--c-header'], {
      out: (l) => out.push(l),
      err: (l) => out.push(`ERR ${l}`),
    });
    expect(code).toBe(0);
    expect(`${out.join('\n')}\n`).toBe(generateCHeader());
  });

  it('compiles (-Werror -pedantic) and gcc sees every constant with the model number', () => {
    const want = cConstants();
    expect(want.size).toBeGreaterThan(120);
    for (const [name, value] of want) expect(seen.get(`C ${name}`), name).toBe(value);
    // Every constant the text declares is one the model lists (no stray or duplicated name).
    expect(declaredConstants(generateCHeader()).sort()).toEqual([...want.keys()].sort());
  });

  it('gcc lays out every struct at the sizes and offsets of the table', () => {
    for (const s of C_STRUCTS) {
      expect(seen.get(`S ${s.name}`), `sizeof(${s.name})`).toBe(s.size);
      for (const f of s.fields)
        expect(seen.get(`F ${s.name}.${f.name}`), `${s.name}.${f.name}`).toBe(f.offset);
    }
  });

  it('its constant groups are the model maps, so a new kind or cap reaches C clients', () => {
    const byPrefix = new Map(C_CONST_GROUPS.map((g) => [g.prefix, g.values]));
    expect(byPrefix.get('VMSIG_EV_')).toMatchObject(model.Kind);
    expect(byPrefix.get('VMSIG_CAP_')).toEqual(model.Cap);
    expect(byPrefix.get('VMSIG_ERR_')).toEqual(model.ErrorCode);
  });
});

describe.skipIf(!haveSeed)('the TS model against the C header', () => {
  let dir = '';
  const sizes = new Map<string, number>();
  const offsets = new Map<string, number>();
  const fieldSizes = new Map<string, number>();
  const constants = new Map<string, number>();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmsig-c-layout-'));
    const exe = path.join(dir, 'layout');
    const src = path.join(repoRoot, 'test', 'unit', 'fixtures', 'vmsig-layout.c');
    try {
      execFileSync('gcc', ['-std=c11', '-Wall', '-Werror', '-I', seedDir, '-o', exe, src], { stdio: 'pipe' });
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      throw new Error(`gcc could not build the layout probe: ${err.stderr?.toString() ?? err.message}`);
    }
    for (const line of execFileSync(exe, { encoding: 'utf8' }).trim().split('\n')) {
      const [tag, name, value] = line.split(' ') as [string, string, string];
      const target = { S: sizes, F: offsets, Z: fieldSizes, C: constants }[tag];
      if (!target) throw new Error(`unexpected probe line: ${line}`);
      target.set(name, Number(value));
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('STRUCT_LAYOUTS: every struct size and field offset is what gcc lays out', () => {
    for (const [struct, layout] of Object.entries(model.STRUCT_LAYOUTS)) {
      expect(sizes.get(struct), `sizeof(${struct})`).toBe(layout.size);
      for (const [field, at] of Object.entries(layout.fields))
        expect(offsets.get(`${struct}.${field}`), `offsetof(${struct}, ${field})`).toBe(at);
    }
    expect(fieldSizes.get('vmsig_input_held.ent[0]')).toBe(4);
    expect(sizes.get('vmsig_input_held')).toBe(model.INLINE_SIZE);
    expect(model.STRUCT_LAYOUTS.vmsig_memwrite.size + model.MEMWRITE_INLINE).toBe(model.INLINE_SIZE);
  });

  it('EVENT_BODY: the wire offsets of kind..ts_ns are the C struct first fields; inln is 48 bytes', () => {
    const wire = model.EVENT_BODY;
    for (const f of ['kind', 'source', 'dir', 'prio', 'endpoint', 'seq', 'corr', 'ts_ns'] as const) {
      expect(offsets.get(`vmsig_event.${f}`), `offsetof(vmsig_event, ${f})`).toBe(wire[f]);
    }
    // origin's slot in C is the reserved word on the wire (never serialized).
    expect(offsets.get('vmsig_event.origin')).toBe(wire.reserved);
    expect(fieldSizes.get('vmsig_event.ts_ns')).toBe(8);
    expect(fieldSizes.get('vmsig_event.inln')).toBe(model.INLINE_SIZE);
    expect(wire.size - wire.inln).toBe(model.INLINE_SIZE);
  });

  it('the probe prints every constant the header declares', () => {
    const declared = declaredConstants(readFileSync(header, 'utf8'));
    expect(declared.length).toBeGreaterThan(60);
    for (const name of declared)
      expect(constants.has(name), `${name} is missing from fixtures/vmsig-layout.c`).toBe(true);
  });

  it('every header constant has the same number in constants.ts', () => {
    for (const [name, value] of constants) expect(tsValueOf(name), name).toBe(value);
  });

  it('constants.ts has nothing the header lacks, and no live kind reuses a retired number', () => {
    for (const [prefix, map] of PREFIXES) {
      for (const key of Object.keys(map)) expect(constants.has(prefix + key), `${prefix}${key}`).toBe(true);
    }
    const cKinds = [...constants]
      .filter(([n]) => n.startsWith('VMSIG_EV_') && n !== 'VMSIG_EV_KIND_MAX')
      .map(([, v]) => v);
    for (const k of model.RETIRED_KINDS) expect(cKinds).not.toContain(k);
  });
  it('the generated header names every seed constant with the seed number, and no seed-prefixed name the seed lacks', () => {
    const generated = cConstants();
    for (const [name, value] of constants) expect(generated.get(name), name).toBe(value);
    const seedPrefixes = C_CONST_GROUPS.filter((g) => g.origin === 'seed').map((g) => g.prefix);
    for (const name of generated.keys())
      if (seedPrefixes.some((p) => name.startsWith(p))) expect(constants.has(name), name).toBe(true);
  });
});
