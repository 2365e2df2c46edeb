/*
 * Turns the outcome of a QMP command into a protocol error code for ACT_ACK: timeouts are
 * TIMEOUT, a lost connection is SEAM, anything QEMU refused or failed is IO. It never
 * decides whether to ack; the adapters do.
 */
import { ErrorCode } from '../../../shared/model';
import { isQmpError } from '../qmp';

/** The §8 code for a failed QMP command (or any other failure an adapter caught). */
export function qmpFailureCode(e: unknown): number {
  if (isQmpError(e, 'timeout')) return ErrorCode.TIMEOUT;
  if (isQmpError(e, 'closed') || isQmpError(e, 'state')) return ErrorCode.SEAM;
  return ErrorCode.IO;
}

/** One line for a log about a failed command. */
export function describeFailure(what: string, e: unknown): string {
  return `${what} failed: ${e instanceof Error ? e.message : String(e)}`;
}
