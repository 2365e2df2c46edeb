/*
 * UTF-8 through the runtime's TextEncoder/TextDecoder. The core's lib has no DOM or Node
 * types, so the globals are reached through a narrow typed view of globalThis.
 */
interface TextCodecs {
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new (label?: string, opts?: { fatal?: boolean }) => { decode(b: Uint8Array): string };
}
const g = globalThis as unknown as TextCodecs;
const encoder = new g.TextEncoder();
const decoder = new g.TextDecoder('utf-8');

/** Encodes a string as UTF-8. */
export const utf8Encode = (s: string): Uint8Array => encoder.encode(s);
/** Decodes UTF-8 (invalid sequences become U+FFFD; never throws). */
export const utf8Decode = (b: Uint8Array): string => decoder.decode(b);
