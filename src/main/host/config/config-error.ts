/* The error every configuration check throws: INVAL, with the field path first in the message. */
import { ErrorCode, VmsigError } from '../../../shared/model';

/** A configuration that cannot be used; `field` is a path like `controls[1].caps[2]`. */
export class ConfigError extends VmsigError {
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly file?: string,
  ) {
    super(ErrorCode.INVAL, [file, field, detail].filter(Boolean).join(': '));
    this.name = 'VmsigError';
  }
}
