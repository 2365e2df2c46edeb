/*
 * Typed errors carrying protocol §8 codes. Parsers throw only these, so a boundary can
 * turn any failure into an ACT_ACK or ERROR frame without guessing.
 */
import { ErrorCode, nameOf } from './constants';

/** A failure with a protocol error code (§8) and a human message. */
export class VmsigError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`${nameOf(ErrorCode, code)}: ${message}`);
    this.name = 'VmsigError';
  }
}

/** Whether `e` is a VmsigError (works across bundles, unlike instanceof alone). */
export function isVmsigError(e: unknown): e is VmsigError {
  return e instanceof VmsigError || (e instanceof Error && e.name === 'VmsigError' && 'code' in e);
}
