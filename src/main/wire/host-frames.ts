/*
 * Host request frames (protocol §10 reserves types 16–31; docs/protocol-host-frames.md):
 * HOST_REQUEST (16) carries `u32 id` + UTF-8 JSON `{op, args}`, HOST_REPLY (17) carries the
 * same id + JSON `{ok, result}` or `{ok: false, err, message}`. This module owns the bodies
 * and the per-connection desk that answers them; what an op does is the host's handler.
 * The identity is always the connection's control, never anything in the JSON.
 */
import { ErrorCode, VmsigError, isVmsigError, nameOf, utf8Decode, utf8Encode } from '../../shared/model';

/** Largest JSON of a HOST_REQUEST (after the 4-byte id); a bigger body is TOO_LARGE and closes. */
export const HOST_REQUEST_JSON_MAX = 65536;
/** Host requests a connection may have in flight; one more is answered BUSY. */
export const HOST_REQUESTS_IN_FLIGHT = 4;
/** `err` of a reply to an op the server names but does not implement. */
export const NOT_IMPLEMENTED = 'NOT_IMPLEMENTED';

/** A reply: success with an op-defined result, or a refusal named by a §8 code name (or NOT_IMPLEMENTED). */
export type HostReply = { ok: true; result: unknown } | { ok: false; err: string; message: string };

/** A decoded HOST_REQUEST. */
export interface HostRequest {
  id: number;
  op: string;
  args: Record<string, unknown>;
}

/**
 * Runs one host op for control `controlId`; resolves with the result (JSON-serialisable),
 * rejects VmsigError (its code's name becomes `err`) or HostOpUnsupported.
 */
export type HostRequestHandler = (
  controlId: number,
  op: string,
  args: Record<string, unknown>,
) => Promise<unknown>;

/** Thrown by a handler for an op it knows but does not implement. */
export class HostOpUnsupported extends Error {
  override name = 'HostOpUnsupported';
}

function jsonBody(id: number, value: unknown): Uint8Array {
  const json = utf8Encode(JSON.stringify(value));
  const out = new Uint8Array(4 + json.length);
  new DataView(out.buffer).setUint32(0, id >>> 0, true);
  out.set(json, 4);
  return out;
}

function idOf(body: Uint8Array): number {
  if (body.length < 4)
    throw new VmsigError(ErrorCode.BAD_FRAME, `host frame body of ${body.length} bytes has no id`);
  return new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true);
}

/** HOST_REQUEST body. */
export function encodeHostRequest(id: number, op: string, args: Record<string, unknown> = {}): Uint8Array {
  return jsonBody(id, { op, args });
}

/** HOST_REPLY body. */
export function encodeHostReply(id: number, reply: HostReply): Uint8Array {
  return jsonBody(id, reply);
}

/**
 * Decodes a HOST_REQUEST. Throws VmsigError BAD_FRAME (no id) or TOO_LARGE (JSON over
 * HOST_REQUEST_JSON_MAX): both close the connection. A body that is not `{op, args?}` JSON
 * returns `{id, bad}`, answered INVAL without closing.
 */
export function decodeHostRequest(body: Uint8Array): HostRequest | { id: number; bad: string } {
  const id = idOf(body);
  if (body.length - 4 > HOST_REQUEST_JSON_MAX)
    throw new VmsigError(
      ErrorCode.TOO_LARGE,
      `host request of ${body.length - 4} bytes exceeds ${HOST_REQUEST_JSON_MAX}`,
    );
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(body.subarray(4)));
  } catch {
    return { id, bad: 'the request is not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { id, bad: 'the request must be an object' };
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== 'op' && k !== 'args') return { id, bad: `unknown field "${k.slice(0, 32)}"` };
  if (typeof o.op !== 'string' || o.op.length === 0 || o.op.length > 64)
    return { id, bad: 'op must be a string of 1..64 characters' };
  const args = o.args ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return { id, bad: 'args must be an object' };
  return { id, op: o.op, args: args as Record<string, unknown> };
}

/** Decodes a HOST_REPLY (client side). Throws VmsigError BAD_FRAME when it is not one. */
export function decodeHostReply(body: Uint8Array): { id: number; reply: HostReply } {
  const id = idOf(body);
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(body.subarray(4)));
  } catch {
    throw new VmsigError(ErrorCode.BAD_FRAME, 'host reply is not JSON');
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (o.ok === true) return { id, reply: { ok: true, result: o.result ?? null } };
  if (o.ok === false && typeof o.err === 'string')
    return { id, reply: { ok: false, err: o.err, message: typeof o.message === 'string' ? o.message : '' } };
  throw new VmsigError(ErrorCode.BAD_FRAME, 'host reply has neither ok nor err');
}

/**
 * One connection's host requests: decodes, bounds what is in flight, runs the handler as
 * the connection's control, and writes the reply (nothing after close). Fatal body errors
 * are thrown to the connection, which answers them with an ERROR frame and closes.
 */
export class HostRequestDesk {
  private inFlight = 0;
  private closed = false;

  constructor(
    private readonly handler: HostRequestHandler,
    private readonly send: (body: Uint8Array) => void,
    private readonly maxReply: number,
  ) {}

  /** Handles one HOST_REQUEST body from control `controlId`. */
  onRequest(controlId: number, body: Uint8Array): void {
    const req = decodeHostRequest(body);
    if ('bad' in req) return this.reply(req.id, refusal(ErrorCode.INVAL, req.bad));
    if (this.inFlight >= HOST_REQUESTS_IN_FLIGHT)
      return this.reply(
        req.id,
        refusal(ErrorCode.BUSY, `${HOST_REQUESTS_IN_FLIGHT} host requests already in flight`),
      );
    this.inFlight++;
    let run: Promise<unknown>;
    try {
      run = this.handler(controlId, req.op, req.args);
    } catch (e) {
      run = Promise.reject(e);
    }
    run.then(
      (result) => this.finish(req.id, { ok: true, result: result ?? null }),
      (e: unknown) => this.finish(req.id, failure(e)),
    );
  }

  /** Stops writing replies (the connection closed). */
  close(): void {
    this.closed = true;
  }

  private finish(id: number, reply: HostReply): void {
    this.inFlight--;
    this.reply(id, reply);
  }

  private reply(id: number, reply: HostReply): void {
    if (this.closed) return;
    let body = encodeHostReply(id, reply);
    if (body.length > this.maxReply)
      body = encodeHostReply(
        id,
        refusal(ErrorCode.EXTENT, `the reply of ${body.length} bytes exceeds max_frame`),
      );
    this.send(body);
  }
}

function refusal(code: number, message: string): HostReply {
  return { ok: false, err: nameOf(ErrorCode, code), message };
}

function failure(e: unknown): HostReply {
  if (e instanceof HostOpUnsupported) return { ok: false, err: NOT_IMPLEMENTED, message: e.message };
  if (isVmsigError(e)) return refusal(e.code, e.message);
  return refusal(ErrorCode.IO, e instanceof Error ? e.message : String(e));
}
