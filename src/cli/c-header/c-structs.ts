/*
 * The C view of every fixed layout a wire client meets: the seed header's inline structs,
 * the inline layouts protocol §9 adds, and the frame bodies of §2–§5. Field types and
 * offsets are data here; the generated header asserts them and a test holds them against
 * the model's STRUCT_LAYOUTS / EVENT_BODY and against the encoders' bytes.
 */

/** One field: its C type (before the name), byte offset, and element count when an array. */
export interface CField {
  name: string;
  c: string;
  offset: number;
  count?: number;
}

/** One struct as the generated header declares it. */
export interface CStruct {
  name: string;
  /** One line saying what it carries and where (kept in the generated header). */
  doc: string;
  size: number;
  fields: readonly CField[];
  /** Where it comes from: the seed header, protocol.md §9, or the frames of §2–§5. */
  origin: 'seed' | 'protocol' | 'frame';
}

const u32 = (name: string, offset: number): CField => ({ name, c: 'uint32_t', offset });
const u64 = (name: string, offset: number): CField => ({ name, c: 'uint64_t', offset });
const u16 = (name: string, offset: number): CField => ({ name, c: 'uint16_t', offset });
const i32 = (name: string, offset: number): CField => ({ name, c: 'int32_t', offset });

/** Every struct of the generated header, in declaration order. */
export const C_STRUCTS: readonly CStruct[] = [
  {
    name: 'vmsig_lease_req',
    doc: 'CMD_ACQUIRE / CMD_RELEASE / CMD_LEASE_STATUS and LEASE_* replies, in inln',
    size: 8,
    fields: [u32('cls', 0), u32('reason', 4)],
    origin: 'seed',
  },
  {
    name: 'vmsig_lease_status',
    doc: 'LEASE_STATUS reply, in inln',
    size: 12,
    fields: [u32('cls', 0), u32('busy', 4), u32('owner_principal', 8)],
    origin: 'seed',
  },
  {
    name: 'vmsig_input',
    doc: 'CMD_INPUT, in inln (4 bytes of padding before scroll)',
    size: 24,
    fields: [u32('kind', 0), i32('code', 4), i32('value', 8), { name: 'scroll', c: 'double', offset: 16 }],
    origin: 'seed',
  },
  {
    name: 'vmsig_memwrite',
    doc: 'CMD_MEMWRITE header, in inln; with VMSIG_MW_SRC_INLINE up to 32 bytes follow it',
    size: 16,
    fields: [u64('gva', 0), u32('len', 8), u32('flags', 12)],
    origin: 'seed',
  },
  {
    name: 'vmsig_cursor',
    doc: 'CURSOR_STATE, in inln',
    size: 16,
    fields: [i32('x', 0), i32('y', 4), u32('visible', 8), u32('seq', 12)],
    origin: 'seed',
  },
  {
    name: 'vmsig_input_held',
    doc: 'INPUT_HELD reply, in inln: up to 10 held KEY/BTN, flags TRUNC when more are held',
    size: 48,
    fields: [
      u32('count', 0),
      u32('flags', 4),
      { name: 'ent', c: 'struct { uint16_t kind; uint16_t code; }', offset: 8, count: 10 },
    ],
    origin: 'seed',
  },
  {
    name: 'vmsig_vm_state',
    doc: 'VM_LIFECYCLE, in inln',
    size: 8,
    fields: [u32('state', 0), u32('detail', 4)],
    origin: 'seed',
  },
  { name: 'vmsig_vm_cmd', doc: 'CMD_VM, in inln', size: 4, fields: [u32('op', 0)], origin: 'seed' },
  {
    name: 'vmsig_lifecycle_cmd',
    doc: 'CMD_LIFECYCLE, in inln (op = VMSIG_LIFE_*)',
    size: 4,
    fields: [u32('op', 0)],
    origin: 'protocol',
  },
  {
    name: 'vmsig_act_ack',
    doc: 'ACT_ACK, in inln: ok 1/0, err VMSIG_ERR_*, the command kind, an op-defined detail',
    size: 16,
    fields: [u32('ok', 0), u32('err', 4), u32('cmd_kind', 8), u32('detail', 12)],
    origin: 'protocol',
  },
  {
    name: 'vmsig_seam',
    doc: 'SEAM_UP / SEAM_DOWN, in inln (reason VMSIG_SEAM_REASON_*); payload: endpoint name',
    size: 8,
    fields: [u32('seam', 0), u32('reason', 4)],
    origin: 'protocol',
  },
  {
    name: 'vmsig_error_inl',
    doc: 'ERROR event, in inln: msg is NUL-padded UTF-8',
    size: 48,
    fields: [u32('code', 0), u32('detail', 4), { name: 'msg', c: 'char', offset: 8, count: 40 }],
    origin: 'protocol',
  },
  {
    name: 'vmsig_memctx',
    doc: 'MEMCTX, in inln; payload: nseg x vmsig_memseg, then the guest-RAM file path',
    size: 32,
    fields: [
      u32('epoch', 0),
      u32('nseg', 4),
      u64('kcr3', 8),
      u64('ram_size', 16),
      u32('levels', 24),
      u32('flags', 28),
    ],
    origin: 'protocol',
  },
  {
    name: 'vmsig_memseg',
    doc: 'one guest-physical segment of the RAM file, in the MEMCTX payload',
    size: 24,
    fields: [u64('gpa', 0), u64('size', 8), u64('file_off', 16)],
    origin: 'protocol',
  },
  {
    name: 'vmsig_memctx_inv',
    doc: 'MEMCTX_INVALIDATED, in inln (reason VMSIG_INV_REASON_*)',
    size: 8,
    fields: [u32('epoch', 0), u32('reason', 4)],
    origin: 'protocol',
  },
  {
    name: 'vmsig_frame_header',
    doc: 'every frame starts with it; len body bytes follow',
    size: 8,
    fields: [u32('len', 0), u16('type', 4), u16('flags', 6)],
    origin: 'frame',
  },
  {
    name: 'vmsig_hello',
    doc: 'HELLO body start; token_len token bytes, then name_len name bytes follow',
    size: 8,
    fields: [u16('version_min', 0), u16('version_max', 2), u16('token_len', 4), u16('name_len', 6)],
    origin: 'frame',
  },
  {
    name: 'vmsig_welcome',
    doc: 'WELCOME body',
    size: 40,
    fields: [
      u16('version', 0),
      u16('reserved', 2),
      u32('control_id', 4),
      u32('principal', 8),
      u32('caps', 12),
      u64('endpoint_mask', 16),
      u32('lease_prio', 24),
      u32('max_frame', 28),
      u64('ts_ns', 32),
    ],
    origin: 'frame',
  },
  {
    name: 'vmsig_subscribe',
    doc: 'SUBSCRIBE body: bit k of kinds[k/8] admits kind k',
    size: 40,
    fields: [
      { name: 'kinds', c: 'uint8_t', offset: 0, count: 16 },
      u32('sources', 16),
      u32('dirs', 20),
      u32('prio_min', 24),
      u32('reserved', 28),
      u64('endpoint_mask', 32),
    ],
    origin: 'frame',
  },
  {
    name: 'vmsig_wire_event',
    doc: 'EVENT body (96 bytes; a payload may follow). origin is never on the wire',
    size: 96,
    fields: [
      u32('kind', 0),
      u32('source', 4),
      u32('dir', 8),
      u32('prio', 12),
      u32('endpoint', 16),
      u32('seq', 20),
      u32('corr', 24),
      u32('reserved', 28),
      u64('ts_ns', 32),
      u32('payload_codec', 40),
      u32('payload_flags', 44),
      { name: 'inln', c: 'uint8_t', offset: 48, count: 48 },
    ],
    origin: 'frame',
  },
];
