/*
 * Token → control identity (§3). Tokens are compared as SHA-256 digests in constant time,
 * against every entry, so timing tells nothing about which token nearly matched. It never
 * logs or returns a token.
 */
import crypto from 'node:crypto';
import type { ControlSpec } from '../core';

/** Looks up the control a HELLO token stands for; null means AUTH. */
export type Authenticator = (token: Uint8Array) => ControlSpec | null;

const digest = (b: Uint8Array | string): Buffer => crypto.createHash('sha256').update(b).digest();

/** An Authenticator over fixed (token, spec) pairs; an empty token never matches. */
export function tokenAuthenticator(entries: readonly { token: string; spec: ControlSpec }[]): Authenticator {
  const table = entries.map((e) => ({ hash: digest(e.token), spec: e.spec, empty: e.token.length === 0 }));
  return (token) => {
    const h = digest(token);
    let found: ControlSpec | null = null;
    for (const e of table)
      if (crypto.timingSafeEqual(h, e.hash) && !e.empty && found === null) found = e.spec;
    return token.length === 0 ? null : found;
  };
}
