/*
 * The typed error of keyboard layouts: a missing layout directory or file, a missing keysym
 * table, or a character a layout cannot type. Callers map it to their own reply.
 */

/** Why a layout could not be used. */
export type KeymapErrorCode = 'NO_KEYMAPS' | 'UNKNOWN_LAYOUT' | 'NO_KEYSYMS' | 'UNTYPABLE';

/** A layout failure with a code the CLI and the host report verbatim. */
export class KeymapError extends Error {
  constructor(
    readonly code: KeymapErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeymapError';
  }
}
