/*
 * The launcher's typed errors: what is missing or wrong, with the fix in the message
 * ("install qemu-system-x86", "run npm run guest"). Never throw a bare Error from here.
 */
import { VmsigError } from '../../../shared/model/errors';

/**
 * `missing-qemu`, `missing-guest` (install or build something), `invalid-spec` (caller bug),
 * `start-failed` (QEMU exited or never opened its QMP socket), `stop-failed`.
 */
export type LauncherErrorKind =
  'missing-qemu' | 'missing-guest' | 'invalid-spec' | 'start-failed' | 'stop-failed';

/** A launcher failure with a protocol §8 code and a human fix in the message. */
export class LauncherError extends VmsigError {
  constructor(
    readonly kind: LauncherErrorKind,
    code: number,
    message: string,
    /** The VM's configuration field at fault (`serial`), so a form can show the error beside it. */
    readonly field?: string,
  ) {
    super(code, message);
  }
}
