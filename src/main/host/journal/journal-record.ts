/*
 * The on-disk record: a 12-byte frame (magic, length, CRC-32) around journal metadata and
 * the protocol's EVENT body (event-codec.ts), so a record decodes with the wire's codec; or,
 * flagged in the metadata, a host operation (its own record type, not a wire kind). It
 * never touches files; it only turns records into bytes and back.
 */
import { crc32 } from 'node:zlib';
import {
  ErrorCode,
  type VmsigEvent,
  VmsigError,
  decodeEventBody,
  eventBodySize,
  utf8Decode,
  utf8Encode,
  writeEventBody,
} from '../../../shared/model';

/** "VSJ1" little-endian: the first 4 bytes of every record, the anchor a reader resyncs on. */
export const RECORD_MAGIC = 0x314a5356;
/** magic u32 | crc32 u32 (over the length field and the content) | length u32. */
export const FRAME_HEADER = 12;
/** Offsets in the frame header. The length sits next to the content so one CRC call covers both. */
export const CRC_AT = 4;
export const LENGTH_AT = 8;
/** Fixed metadata before the control name: rec f64, wallMs f64, principal, controlId, refused u32, flags u8, nameLen u8, skippedBefore u16 (was reserved, 0). */
const META_FIXED = 32;
/** Largest content a reader accepts: a 64 KiB MEMWRITE payload plus generous slack. */
export const MAX_CONTENT = 1 << 20;

const FLAG_REFUSED = 0x1;
/** The content after the metadata is a host operation (HostOpBody), not an EVENT body. */
const FLAG_HOST_OP = 0x2;
/** Fixed part of a host-operation body: vm u32, phase u32, err u32, reserved u32, tsNs u64. */
const HOST_OP_FIXED = 24;
/** Largest JSON detail of a host operation (op name, checked arguments, a message). */
export const HOST_OP_DETAIL_MAX = 4096;

/** Who and what, beside the event itself. */
export interface RecordMeta {
  /** Journal-wide record number: strictly increasing across segments and restarts. */
  rec: number;
  /** Wall-clock time of the write, epoch milliseconds. */
  wallMs: number;
  /** Principal of the event's origin control (0 = none / not a control's). */
  principal: number;
  /** Core control id of the origin (0 = broadcast). Ids restart with the host. */
  controlId: number;
  /** Configured name of the origin control ('' when none or unknown). */
  controlName: string;
  /** The refusal code when the core refused the command; null when routed. */
  refused: number | null;
  /**
   * Events of this record's kind on its endpoint that the policy left out (sampled or
   * capped) since the previous kept one; saturates at SKIPPED_MAX. 0 when none or not given.
   */
  skippedBefore?: number;
}

/** The largest skippedBefore a record holds (u16); a larger count is stored as this. */
export const SKIPPED_MAX = 0xffff;

/**
 * A host operation (protocol §10: start, stop, add, remove, ...) as the journal keeps it: a
 * record type of its own, never a wire event kind. `requested` is written before the
 * operation runs (with the refusal in the metadata when the gate refused it); `done` after,
 * with its outcome.
 */
export interface HostOpBody {
  op: string;
  /** Endpoint id the operation names (0 when none). */
  vm: number;
  phase: 'requested' | 'done';
  /** Outcome code of a `done` record (protocol §8; OK = 0); 0 for `requested`. */
  err: number;
  /** The core's clock at the time of the record, ns. */
  tsNs: number;
  /** Checked arguments (no secrets), as given to the operation. */
  args: Record<string, unknown>;
  /** Why it failed, for a `done` record that did not succeed. */
  message?: string;
}

/** A decoded host-operation record. */
export interface HostOpRecord extends RecordMeta {
  hostOp: HostOpBody;
}

/** A decoded record. `event.origin` is restored from `controlId`. */
export interface JournalRecord extends RecordMeta {
  event: VmsigEvent;
}

/**
 * Encodes records into one reused buffer: the journal writes each record synchronously
 * before encoding the next, so a per-record allocation (and re-encoding the same control
 * names) would be pure overhead on the ack path.
 */
export class RecordEncoder {
  private buf = Buffer.allocUnsafe(4096);
  private readonly names = new Map<string, Uint8Array>();

  /**
   * Encodes one record (frame + metadata + EVENT body). The result is a view of the
   * encoder's buffer, valid until the next call. Throws VmsigError TOO_LARGE past MAX_CONTENT.
   */
  encode(meta: RecordMeta, ev: VmsigEvent): Buffer {
    const name = this.nameBytes(meta.controlName);
    const contentLen = META_FIXED + name.length + eventBodySize(ev);
    if (contentLen > MAX_CONTENT)
      throw new VmsigError(
        ErrorCode.TOO_LARGE,
        `journal record of ${contentLen} bytes exceeds ${MAX_CONTENT}`,
      );
    const total = FRAME_HEADER + contentLen;
    if (this.buf.length < total) this.buf = Buffer.allocUnsafe(Math.max(total, this.buf.length * 2));
    const buf = this.buf;
    this.writeMeta(buf, meta, name, contentLen, 0);
    writeEventBody(ev, buf, FRAME_HEADER + META_FIXED + name.length);
    buf.writeUInt32LE(frameCrc(buf, 0, contentLen), CRC_AT);
    return buf.subarray(0, total);
  }

  /**
   * Encodes a host-operation record (same frame and metadata; FLAG_HOST_OP). The JSON detail
   * is cut to HOST_OP_DETAIL_MAX (a message first), so the record always fits.
   */
  encodeHostOp(meta: RecordMeta, op: HostOpBody): Buffer {
    const name = this.nameBytes(meta.controlName);
    const detail = hostOpDetail(op);
    const contentLen = META_FIXED + name.length + HOST_OP_FIXED + detail.length;
    const total = FRAME_HEADER + contentLen;
    if (this.buf.length < total) this.buf = Buffer.allocUnsafe(Math.max(total, this.buf.length * 2));
    const buf = this.buf;
    this.writeMeta(buf, meta, name, contentLen, FLAG_HOST_OP);
    const b = FRAME_HEADER + META_FIXED + name.length;
    buf.writeUInt32LE(op.vm >>> 0, b);
    buf.writeUInt32LE(op.phase === 'done' ? 1 : 0, b + 4);
    buf.writeUInt32LE(op.err >>> 0, b + 8);
    buf.writeUInt32LE(0, b + 12);
    buf.writeBigUInt64LE(BigInt(Math.max(0, Math.trunc(op.tsNs))), b + 16);
    buf.set(detail, b + HOST_OP_FIXED);
    buf.writeUInt32LE(frameCrc(buf, 0, contentLen), CRC_AT);
    return buf.subarray(0, total);
  }

  private writeMeta(
    buf: Buffer,
    meta: RecordMeta,
    name: Uint8Array,
    contentLen: number,
    flags: number,
  ): void {
    buf.writeUInt32LE(RECORD_MAGIC, 0);
    buf.writeUInt32LE(contentLen, LENGTH_AT);
    const c = FRAME_HEADER;
    buf.writeDoubleLE(meta.rec, c);
    buf.writeDoubleLE(meta.wallMs, c + 8);
    buf.writeUInt32LE(meta.principal >>> 0, c + 16);
    buf.writeUInt32LE(meta.controlId >>> 0, c + 20);
    buf.writeUInt32LE(meta.refused === null ? 0 : meta.refused >>> 0, c + 24);
    buf[c + 28] = (meta.refused === null ? 0 : FLAG_REFUSED) | flags;
    buf[c + 29] = name.length;
    buf.writeUInt16LE(Math.min(SKIPPED_MAX, Math.max(0, Math.trunc(meta.skippedBefore ?? 0))), c + 30);
    buf.set(name, c + META_FIXED);
  }

  private nameBytes(name: string): Uint8Array {
    let b = this.names.get(name);
    if (!b) {
      // Names come from configuration: a handful. The bound only guards against a misuse.
      if (this.names.size >= 1024) this.names.clear();
      b = truncateUtf8(utf8Encode(name), 255);
      this.names.set(name, b);
    }
    return b;
  }
}

/** Encodes one record into a fresh buffer (tests, tools); the journal uses a RecordEncoder. */
export function encodeRecord(meta: RecordMeta, ev: VmsigEvent): Buffer {
  return Buffer.from(new RecordEncoder().encode(meta, ev));
}

/** The JSON detail of a host operation, within HOST_OP_DETAIL_MAX (dropping the message, then the arguments). */
function hostOpDetail(op: HostOpBody): Uint8Array {
  const full = utf8Encode(JSON.stringify({ op: op.op, args: op.args, message: op.message }));
  if (full.length <= HOST_OP_DETAIL_MAX) return full;
  const short = utf8Encode(JSON.stringify({ op: op.op.slice(0, 64), args: {}, message: 'detail too long' }));
  return short;
}

/** Cuts UTF-8 bytes to at most `max` without splitting a character. */
function truncateUtf8(bytes: Uint8Array, max: number): Uint8Array {
  let end = Math.min(bytes.length, max);
  if (end < bytes.length) while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/**
 * The CRC-32 stored in a frame at `at`: over the 4 length bytes and the content, so a
 * damaged length is caught like damaged content. zlib.crc32 (Node >= 20.15, and Electron's
 * Node 22) is used rather than a hand-written table.
 */
export function frameCrc(buf: Buffer, at: number, contentLen: number): number {
  return crc32(buf.subarray(at + LENGTH_AT, at + FRAME_HEADER + contentLen));
}

/** The fields a query filters on, read in place without decoding the record. */
export interface RecordKey {
  rec: number;
  wallMs: number;
  principal: number;
  kind: number;
  endpoint: number;
  tsNs: number;
}

/** Whether a frame's content is a host-operation record (not an event). */
export function isHostOpContent(content: Buffer): boolean {
  return content.length > 28 && (content[28]! & FLAG_HOST_OP) !== 0;
}

/** Reads a RecordKey from a frame's content (at least META_FIXED + name + 96 bytes, as checked by decodeRecord). */
export function peekRecord(content: Buffer): RecordKey | null {
  const body = META_FIXED + (content.length > 29 ? content[29]! : 0);
  if (isHostOpContent(content)) {
    if (content.length < body + HOST_OP_FIXED) return null;
    return {
      rec: content.readDoubleLE(0),
      wallMs: content.readDoubleLE(8),
      principal: content.readUInt32LE(16),
      kind: HOST_OP_KEY_KIND,
      endpoint: content.readUInt32LE(body),
      tsNs: Number(content.readBigUInt64LE(body + 16)),
    };
  }
  if (content.length < body + 96) return null;
  return {
    rec: content.readDoubleLE(0),
    wallMs: content.readDoubleLE(8),
    principal: content.readUInt32LE(16),
    kind: content.readUInt32LE(body),
    endpoint: content.readUInt32LE(body + 16),
    tsNs: content.readUInt32LE(body + 32) + content.readUInt32LE(body + 36) * 0x1_0000_0000,
  };
}

/** RecordKey.kind of a host-operation record: outside every kind number, so a kind filter never matches it. */
export const HOST_OP_KEY_KIND = -1;

/** Decodes a host-operation record's content. Throws VmsigError BAD_FRAME when malformed. */
export function decodeHostOpRecord(content: Buffer): HostOpRecord {
  const nameLen = content.length > 29 ? content[29]! : 0;
  const b = META_FIXED + nameLen;
  if (!isHostOpContent(content) || content.length < b + HOST_OP_FIXED)
    throw new VmsigError(ErrorCode.BAD_FRAME, 'not a host operation record');
  let detail: { op?: unknown; args?: unknown; message?: unknown };
  try {
    detail = JSON.parse(utf8Decode(content.subarray(b + HOST_OP_FIXED))) as typeof detail;
  } catch (e) {
    throw new VmsigError(ErrorCode.BAD_FRAME, `host operation record detail: ${String(e)}`);
  }
  const flags = content[28]!;
  const args = typeof detail.args === 'object' && detail.args !== null ? detail.args : {};
  return {
    rec: content.readDoubleLE(0),
    wallMs: content.readDoubleLE(8),
    principal: content.readUInt32LE(16),
    controlId: content.readUInt32LE(20),
    controlName: utf8Decode(content.subarray(META_FIXED, b)),
    refused: (flags & FLAG_REFUSED) !== 0 ? content.readUInt32LE(24) : null,
    hostOp: {
      op: typeof detail.op === 'string' ? detail.op : '?',
      vm: content.readUInt32LE(b),
      phase: content.readUInt32LE(b + 4) === 1 ? 'done' : 'requested',
      err: content.readUInt32LE(b + 8),
      tsNs: Number(content.readBigUInt64LE(b + 16)),
      args: args as Record<string, unknown>,
      ...(typeof detail.message === 'string' ? { message: detail.message } : {}),
    },
  };
}

/** Decodes the content of a frame already checked by the scanner. Throws VmsigError BAD_FRAME when malformed. */
export function decodeRecord(content: Buffer): JournalRecord {
  if (content.length < META_FIXED)
    throw new VmsigError(ErrorCode.BAD_FRAME, `journal record content is ${content.length} bytes`);
  if (isHostOpContent(content))
    throw new VmsigError(ErrorCode.BAD_FRAME, 'a host operation record is not an event record');
  const nameLen = content.readUInt8(29);
  const flags = content.readUInt8(28);
  const controlId = content.readUInt32LE(20);
  const event = decodeEventBody(content.subarray(META_FIXED + nameLen));
  event.origin = controlId;
  return {
    rec: content.readDoubleLE(0),
    wallMs: content.readDoubleLE(8),
    principal: content.readUInt32LE(16),
    controlId,
    controlName: utf8Decode(content.subarray(META_FIXED, META_FIXED + nameLen)),
    refused: (flags & FLAG_REFUSED) !== 0 ? content.readUInt32LE(24) : null,
    skippedBefore: content.readUInt16LE(30),
    event,
  };
}
