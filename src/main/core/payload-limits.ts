/*
 * Payload limits per kind (protocol §10): what a client may attach to an event. Only
 * CMD_MEMWRITE defines a payload (up to MEMWRITE_MAX); any other kind carries none. The
 * core applies this in submit, so every path in (socket, console, any later transport)
 * gets the same answer before anything is journaled with its payload or reaches an adapter.
 */
import { ErrorCode, Kind, MEMWRITE_MAX, type VmsigEvent } from '../../shared/model';

/** Largest payload, in bytes, a client may attach to an event of `kind`; 0 when the kind defines none. */
export function payloadLimit(kind: number): number {
  return kind === Kind.CMD_MEMWRITE ? MEMWRITE_MAX : 0;
}

/**
 * OK when `ev`'s payload fits its kind; otherwise EXTENT (over a limit the kind defines)
 * or INVAL (a payload on a kind that defines none). An empty payload counts as none.
 */
export function checkPayload(ev: VmsigEvent): number {
  const size = ev.payload?.bytes.length ?? 0;
  if (size === 0) return ErrorCode.OK;
  const limit = payloadLimit(ev.kind);
  if (limit === 0) return ErrorCode.INVAL;
  return size > limit ? ErrorCode.EXTENT : ErrorCode.OK;
}
