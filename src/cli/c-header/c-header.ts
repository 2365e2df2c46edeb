/*
 * `vmsig kinds --c-header`: a C header for wire clients, generated from the event model
 * (constants.ts), the struct table (c-structs.ts) and the frame constants, so a C client
 * never copies numbers by hand. It asserts its own sizes and offsets at compile time.
 */
import {
  Cap,
  Codec,
  Dir,
  ENDPOINT_MAX,
  ErrorCode,
  INLINE_SIZE,
  INPUT_HELD_TRUNC,
  InputKind,
  InvalidateReason,
  KIND_MAX,
  Kind,
  LEASE_CLASS_MAX,
  LeaseClass,
  LeaseDeny,
  LifecycleOp,
  MEMWRITE_INLINE,
  MEMWRITE_MAX,
  MemWriteFlag,
  PRIO_MAX,
  PayloadFlag,
  Prio,
  SOURCE_MAX,
  SeamReason,
  Source,
  VmOp,
  VmState,
} from '../../shared/model';
import { DEFAULT_MAX_FRAME, FrameType, PROTOCOL_VERSION } from '../../main/wire';
import { C_STRUCTS, type CField } from './c-structs';

/** A group of constants: one enum (or #define block for bit flags) in the header. */
export interface CConstGroup {
  /** The C prefix every name carries, e.g. VMSIG_EV_. */
  prefix: string;
  /** typedef name for an enum, or null for an anonymous enum / #defines. */
  typedef: string | null;
  /** Bit flags become `#define NAME 0x..u`, the rest enum members. */
  flags: boolean;
  doc: string;
  values: Readonly<Record<string, number>>;
  /** The project's own, beyond the seed header (said so in the header). */
  origin: 'seed' | 'protocol' | 'project';
}

/** Every constant group, in header order. Names are the seed's, without its prefixes in TS. */
export const C_CONST_GROUPS: readonly CConstGroup[] = [
  {
    prefix: 'VMSIG_DIR_',
    typedef: 'vmsig_dir',
    flags: false,
    doc: 'direction relative to the control',
    values: Dir,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_SRC_',
    typedef: 'vmsig_source',
    flags: false,
    doc: 'the seam an event crosses',
    values: { ...Source, MAX: SOURCE_MAX },
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_PRIO_',
    typedef: 'vmsig_prio',
    flags: false,
    doc: 'delivery class; higher is delivered first',
    values: { ...Prio, MAX: PRIO_MAX },
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_EV_',
    typedef: 'vmsig_kind',
    flags: false,
    doc: 'event kinds; retired numbers (16..19, 32..36, 66..69, 71..72) are never reused',
    values: { ...Kind, KIND_MAX },
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_LEASE_',
    typedef: 'vmsig_lease_class',
    flags: false,
    doc: 'exclusive lease classes',
    values: { ...LeaseClass, CLASS_MAX: LEASE_CLASS_MAX },
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_LEASE_DENY_',
    typedef: null,
    flags: false,
    doc: 'vmsig_lease_req.reason in LEASE_DENIED',
    values: LeaseDeny,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_LIFE_',
    typedef: null,
    flags: false,
    doc: 'CMD_LIFECYCLE op (POWERDOWN, RESET destructive)',
    values: LifecycleOp,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_INPUT_',
    typedef: 'vmsig_input_kind',
    flags: false,
    doc: 'vmsig_input.kind',
    values: InputKind,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_VM_',
    typedef: null,
    flags: false,
    doc: 'VM state in VM_LIFECYCLE and in ACT_ACK.detail of CMD_VM QUERY',
    values: VmState,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_VMOP_',
    typedef: null,
    flags: false,
    doc: 'CMD_VM op (RESET, POWERDOWN, QUIT destructive)',
    values: VmOp,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_CODEC_',
    typedef: 'vmsig_codec',
    flags: false,
    doc: 'which seam owns a payload',
    values: Codec,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_PL_',
    typedef: null,
    flags: true,
    doc: 'payload_flags',
    values: PayloadFlag,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_MW_',
    typedef: null,
    flags: true,
    doc: 'vmsig_memwrite.flags',
    values: MemWriteFlag,
    origin: 'seed',
  },
  {
    prefix: 'VMSIG_CAP_',
    typedef: null,
    flags: true,
    doc: 'capability bits (WELCOME.caps); HOST is a protocol §10 addition',
    values: Cap,
    origin: 'protocol',
  },
  {
    prefix: 'VMSIG_ERR_',
    typedef: null,
    flags: false,
    doc: 'command errors (< 100) and frame errors (>= 100); 107 is the frame TIMEOUT, 108 TOO_MANY a §10 addition',
    values: ErrorCode,
    origin: 'protocol',
  },
  {
    prefix: 'VMSIG_SEAM_REASON_',
    typedef: null,
    flags: false,
    doc: 'vmsig_seam.reason',
    values: SeamReason,
    origin: 'protocol',
  },
  {
    prefix: 'VMSIG_INV_REASON_',
    typedef: null,
    flags: false,
    doc: 'vmsig_memctx_inv.reason',
    values: InvalidateReason,
    origin: 'protocol',
  },
  {
    prefix: 'VMSIG_FRAME_',
    typedef: null,
    flags: false,
    doc: "frame types; HOST_REQUEST/HOST_REPLY are this project's use of the §10 range 16..31 (docs/protocol-host-frames.md)",
    values: FrameType,
    origin: 'project',
  },
];

/** Single #defines: the seed's limits and the protocol's sizes. */
export const C_DEFINES: readonly { name: string; value: number; unsigned: boolean; doc: string }[] = [
  {
    name: 'VMSIG_MEMWRITE_INLINE',
    value: MEMWRITE_INLINE,
    unsigned: true,
    doc: 'inline tail after vmsig_memwrite',
  },
  {
    name: 'VMSIG_INPUT_HELD_TRUNC',
    value: INPUT_HELD_TRUNC,
    unsigned: true,
    doc: 'vmsig_input_held.flags: more held than listed',
  },
  {
    name: 'VMSIG_MEMWRITE_MAX',
    value: MEMWRITE_MAX,
    unsigned: true,
    doc: 'largest CMD_MEMWRITE (protocol §9)',
  },
  { name: 'VMSIG_INLINE_SIZE', value: INLINE_SIZE, unsigned: true, doc: 'bytes of inln' },
  { name: 'VMSIG_EVENT_BODY_SIZE', value: 96, unsigned: true, doc: 'fixed EVENT body before its payload' },
  {
    name: 'VMSIG_ENDPOINT_MAX',
    value: ENDPOINT_MAX,
    unsigned: true,
    doc: 'endpoint ids are 1..63; 0 is the core',
  },
  {
    name: 'VMSIG_PROTOCOL_VERSION',
    value: PROTOCOL_VERSION,
    unsigned: true,
    doc: 'version in HELLO / WELCOME',
  },
  {
    name: 'VMSIG_DEFAULT_MAX_FRAME',
    value: DEFAULT_MAX_FRAME,
    unsigned: true,
    doc: 'default largest frame body',
  },
];

/** Every constant the header defines, C name → value (for tests and tools). */
export function cConstants(): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of C_CONST_GROUPS) for (const [k, v] of Object.entries(g.values)) out.set(g.prefix + k, v);
  for (const d of C_DEFINES) out.set(d.name, d.value);
  return out;
}

const hex = (v: number): string => `0x${v.toString(16)}u`;

function constGroup(g: CConstGroup): string[] {
  const head = `/* ${g.doc}${g.origin === 'seed' ? '' : ` [${g.origin === 'project' ? 'project' : 'protocol.md'}]`} */`;
  const entries = Object.entries(g.values);
  if (g.flags) return [head, ...entries.map(([k, v]) => `#define ${g.prefix}${k} ${hex(v)}`), ''];
  const width = Math.max(...entries.map(([k]) => g.prefix.length + k.length));
  const body = entries.map(
    ([k, v], i) => `  ${`${g.prefix}${k}`.padEnd(width)} = ${v}${i < entries.length - 1 ? ',' : ''}`,
  );
  return [head, g.typedef ? 'typedef enum {' : 'enum {', ...body, g.typedef ? `} ${g.typedef};` : '};', ''];
}

function field(f: CField): string {
  return `  ${f.c} ${f.name}${f.count === undefined ? '' : `[${f.count}]`};`;
}

/** The whole header text. */
export function generateCHeader(): string {
  const lines = [
    '/* vmsig_protocol.h: the vmsig control protocol v1 for C clients.',
    " * Generated by `vmsig kinds --c-header` from the console's event model: do not edit, regenerate.",
    ' * Wire format: docs/protocol.md. Every integer on the wire is little-endian, so these structs',
    ' * are the wire bytes only on a little-endian machine (x86-64, aarch64); the asserts at the end',
    ' * check the layout at compile time. Names and numbers are those of seed/vmsig_event.h; groups',
    ' * marked [protocol.md] come from the protocol, [project] from this implementation. */',
    '#ifndef VMSIG_PROTOCOL_H',
    '#define VMSIG_PROTOCOL_H',
    '#include <stddef.h>',
    '#include <stdint.h>',
    '',
    '#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__',
    '#error "vmsig_protocol.h: the structs below are wire bytes only on a little-endian machine"',
    '#endif',
    '',
    ...C_CONST_GROUPS.flatMap(constGroup),
    ...C_DEFINES.map((d) => `#define ${d.name} ${d.unsigned ? `${d.value}u` : d.value} /* ${d.doc} */`),
    '',
  ];
  for (const s of C_STRUCTS) {
    lines.push(
      `/* ${s.doc}${s.origin === 'seed' ? '' : ` [${s.origin === 'protocol' ? 'protocol.md §9' : 'protocol.md frames'}]`} */`,
    );
    lines.push('typedef struct {', ...s.fields.map(field), `} ${s.name};`, '');
  }
  lines.push('/* The layout checks: a compiler that lays a struct out otherwise stops here. */');
  for (const s of C_STRUCTS) {
    lines.push(`_Static_assert(sizeof(${s.name}) == ${s.size}, "sizeof ${s.name}");`);
    for (const f of s.fields)
      lines.push(`_Static_assert(offsetof(${s.name}, ${f.name}) == ${f.offset}, "${s.name}.${f.name}");`);
  }
  lines.push('', '#endif /* VMSIG_PROTOCOL_H */', '');
  return lines.join('\n');
}
