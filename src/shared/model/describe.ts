/*
 * Turns an event into a plain, readable object: names instead of numbers and the inline
 * zone decoded per kind. Used by the CLI's --json, the timeline and the journal export.
 * It never throws: an unknown kind keeps its number and a hex dump of the zone.
 */
import {
  Cap,
  Codec,
  Dir,
  ErrorCode,
  InputKind,
  Kind,
  LeaseClass,
  LeaseDeny,
  LifecycleOp,
  Prio,
  SeamReason,
  Source,
  VmOp,
  VmState,
  nameOf,
} from './constants';
import type { VmsigEvent } from './event';
import * as layout from './layouts';
import { utf8Decode } from './utf8';

/** A JSON-safe view of an event (bigints become hex strings). */
export interface DescribedEvent {
  kind: string;
  source: string;
  dir: string;
  prio: string;
  endpoint: number;
  seq: number;
  corr: number;
  tsNs: number;
  fields: Record<string, string | number | boolean | unknown[]>;
  payloadBytes: number;
}

const hex = (n: bigint): string => `0x${n.toString(16)}`;
const utf8 = utf8Decode;

/** Decodes the inline zone (and small payloads) of `ev` by kind. */
export function describeFields(ev: VmsigEvent): DescribedEvent['fields'] {
  const z = ev.inln;
  switch (ev.kind) {
    case Kind.SEAM_UP:
    case Kind.SEAM_DOWN: {
      const s = layout.decodeSeam(z);
      return {
        seam: nameOf(Source, s.seam),
        reason: nameOf(SeamReason, s.reason),
        name: ev.payload ? utf8(ev.payload.bytes) : '',
      };
    }
    case Kind.ERROR: {
      const e = layout.decodeErrorInl(z);
      return { code: nameOf(ErrorCode, e.code), detail: e.detail, msg: e.msg };
    }
    case Kind.ACT_ACK: {
      const a = layout.decodeActAck(z);
      return {
        ok: a.ok === 1,
        err: nameOf(ErrorCode, a.err),
        cmdKind: nameOf(Kind, a.cmdKind),
        detail: a.detail,
      };
    }
    case Kind.VM_LIFECYCLE: {
      const s = layout.decodeVmState(z);
      return { state: nameOf(VmState, s.state), detail: s.detail };
    }
    case Kind.LEASE_GRANTED:
    case Kind.LEASE_DENIED:
    case Kind.LEASE_RELEASED:
    case Kind.LEASE_REVOKED:
    case Kind.CMD_ACQUIRE:
    case Kind.CMD_RELEASE:
    case Kind.CMD_LEASE_STATUS: {
      const r = layout.decodeLeaseReq(z);
      const out: DescribedEvent['fields'] = { cls: nameOf(LeaseClass, r.cls) };
      if (ev.kind === Kind.LEASE_DENIED) out.reason = nameOf(LeaseDeny, r.reason);
      if (ev.kind === Kind.LEASE_REVOKED) out.byPrincipal = r.reason;
      return out;
    }
    case Kind.LEASE_STATUS: {
      const s = layout.decodeLeaseStatus(z);
      return { cls: nameOf(LeaseClass, s.cls), busy: s.busy === 1, ownerPrincipal: s.ownerPrincipal };
    }
    case Kind.INPUT_HELD: {
      const h = layout.decodeInputHeld(z);
      return {
        truncated: (h.flags & 1) !== 0,
        held: h.entries.map((e) => `${nameOf(InputKind, e.kind)}:${e.code}`),
      };
    }
    case Kind.CURSOR_STATE: {
      const c = layout.decodeCursor(z);
      return { x: c.x, y: c.y, visible: c.visible === 1, cursorSeq: c.seq };
    }
    case Kind.CMD_INPUT: {
      const i = layout.decodeInput(z);
      const f: DescribedEvent['fields'] = { input: nameOf(InputKind, i.kind), code: i.code, value: i.value };
      if (i.kind === InputKind.SCROLL) f.scroll = i.scroll;
      return f;
    }
    case Kind.CMD_LIFECYCLE:
      return { op: nameOf(LifecycleOp, layout.decodeOp(z).op) };
    case Kind.CMD_VM:
      return { op: nameOf(VmOp, layout.decodeOp(z).op) };
    case Kind.CMD_MEMWRITE: {
      const m = layout.decodeMemWrite(z);
      return { gva: hex(m.gva), len: m.len, flags: m.flags };
    }
    case Kind.MEMCTX: {
      const m = layout.decodeMemCtx(z);
      const pl = ev.payload ? layout.decodeMemCtxPayload(ev.payload.bytes, m.nseg) : null;
      return {
        epoch: m.epoch,
        kcr3: hex(m.kcr3),
        ramSize: hex(m.ramSize),
        levels: m.levels,
        segments: pl
          ? pl.segs.map((s) => ({ gpa: hex(s.gpa), size: hex(s.size), fileOff: hex(s.fileOff) }))
          : [],
        ramPath: pl ? pl.ramPath : '',
      };
    }
    case Kind.MEMCTX_INVALIDATED: {
      const m = layout.decodeMemCtxInvalidated(z);
      return { epoch: m.epoch, reason: m.reason };
    }
    default:
      return { inln: Array.from(z, (b) => b.toString(16).padStart(2, '0')).join('') };
  }
}

/** The whole event, named and decoded. */
export function describeEvent(ev: VmsigEvent): DescribedEvent {
  return {
    kind: nameOf(Kind, ev.kind),
    source: nameOf(Source, ev.source),
    dir: nameOf(Dir, ev.dir),
    prio: nameOf(Prio, ev.prio),
    endpoint: ev.endpoint,
    seq: ev.seq,
    corr: ev.corr,
    tsNs: ev.tsNs,
    fields: describeFields(ev),
    payloadBytes: ev.payload ? ev.payload.bytes.length : 0,
  };
}

/** Cap bits as names, e.g. ["OBSERVE","INPUT"]. */
export function capNames(caps: number): string[] {
  return Object.entries(Cap)
    .filter(([, bit]) => (caps & bit) !== 0)
    .map(([name]) => name);
}

/** Codec name, for diagnostics. */
export const codecName = (c: number): string => nameOf(Codec, c);
