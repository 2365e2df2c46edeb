/*
 * The QMP client's typed errors: every failure it reports is a QmpError whose `kind` says
 * what went wrong and whose `code` is the protocol §8 code a boundary forwards. Never
 * construct a bare Error in this adapter.
 */
import { ErrorCode } from '../../../shared/model/constants';
import { VmsigError } from '../../../shared/model/errors';

/**
 * What failed: `state` (call not valid in this state), `connect` (socket/greeting/
 * capabilities), `closed` (the socket closed before the reply), `timeout` (no reply in
 * time), `protocol` (malformed or oversize line from QEMU), `command` (QEMU replied error).
 */
export type QmpErrorKind = 'state' | 'connect' | 'closed' | 'timeout' | 'protocol' | 'command';

/** A QMP client failure; `qmpClass` carries QEMU's error class for `command` errors. */
export class QmpError extends VmsigError {
  constructor(
    readonly kind: QmpErrorKind,
    code: number,
    message: string,
    readonly qmpClass?: string,
  ) {
    super(code, message);
  }
}

/** Maps a QEMU error reply (`{class, desc}`) to a QmpError with the nearest protocol code. */
export function commandError(command: string, qmpClass: string, desc: string): QmpError {
  const code =
    qmpClass === 'CommandNotFound'
      ? ErrorCode.KIND
      : qmpClass === 'DeviceNotFound'
        ? ErrorCode.NOENT
        : qmpClass === 'DeviceNotActive'
          ? ErrorCode.SEAM
          : ErrorCode.INVAL;
  return new QmpError('command', code, `${command}: ${qmpClass}: ${desc}`, qmpClass);
}

/** Whether `e` is a QmpError of the given kind. */
export function isQmpError(e: unknown, kind?: QmpErrorKind): e is QmpError {
  return e instanceof QmpError && (kind === undefined || e.kind === kind);
}
