/*
 * The RFB client→server messages the display relay lets through, and the verdict on any
 * other: it frames each message by its real length (QEMU's extensions included) so one
 * allowed message can never smuggle a forbidden one. Pure: bytes in, a verdict out.
 */

/** Client message types (RFC 6143 §7.5 and the registered extensions QEMU and noVNC use). */
export const ClientMsg = {
  SetPixelFormat: 0,
  SetEncodings: 2,
  FramebufferUpdateRequest: 3,
  KeyEvent: 4,
  PointerEvent: 5,
  ClientCutText: 6,
  EnableContinuousUpdates: 150,
  Fence: 248,
  Xvp: 250,
  SetDesktopSize: 251,
  Qemu: 255,
} as const;

/** What to do with the bytes at the head of the viewer's stream. */
export type ClientVerdict =
  | { kind: 'incomplete' }
  | { kind: 'forward'; name: string; length: number }
  | { kind: 'forbidden'; name: string };

/** More encodings than any viewer needs (noVNC sends about 20); bounds what we forward. */
export const MAX_ENCODINGS = 256;
/** Fence payloads are at most 64 bytes (RFC 6143 §7.5, Fence extension). */
const MAX_FENCE_PAYLOAD = 64;

const INCOMPLETE: ClientVerdict = { kind: 'incomplete' };
const forward = (name: string, length: number, available: number): ClientVerdict =>
  available < length ? INCOMPLETE : { kind: 'forward', name, length };

/** Names of QEMU's client message subtypes (type 255). */
function qemuSubtype(sub: number): string {
  if (sub === 0) return 'QEMU extended key event';
  if (sub === 1) return 'QEMU audio';
  return `QEMU client message subtype ${sub}`;
}

/**
 * Classifies the message starting at `buf[0]`: `forward` with its exact length once all of
 * it is there, `incomplete` while more bytes are needed, `forbidden` for input, clipboard,
 * resize, QEMU's extensions, anything unknown, or a malformed allowed message.
 */
export function classifyClientMessage(buf: Uint8Array): ClientVerdict {
  if (buf.length === 0) return INCOMPLETE;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (buf[0]) {
    case ClientMsg.SetPixelFormat: {
      if (buf.length < 20) return INCOMPLETE;
      const bpp = buf[4]!;
      const depth = buf[5]!;
      if (![8, 16, 32].includes(bpp) || depth === 0 || depth > bpp)
        return { kind: 'forbidden', name: `malformed SetPixelFormat (bpp ${bpp}, depth ${depth})` };
      return forward('SetPixelFormat', 20, buf.length);
    }
    case ClientMsg.SetEncodings: {
      if (buf.length < 4) return INCOMPLETE;
      const count = view.getUint16(2);
      if (count > MAX_ENCODINGS) return { kind: 'forbidden', name: `SetEncodings with ${count} encodings` };
      return forward('SetEncodings', 4 + 4 * count, buf.length);
    }
    case ClientMsg.FramebufferUpdateRequest:
      return forward('FramebufferUpdateRequest', 10, buf.length);
    case ClientMsg.EnableContinuousUpdates:
      return forward('EnableContinuousUpdates', 10, buf.length);
    case ClientMsg.Fence: {
      if (buf.length < 9) return INCOMPLETE;
      const len = buf[8]!;
      if (len > MAX_FENCE_PAYLOAD)
        return { kind: 'forbidden', name: `malformed Fence (${len}-byte payload)` };
      return forward('Fence', 9 + len, buf.length);
    }
    case ClientMsg.KeyEvent:
      return { kind: 'forbidden', name: 'KeyEvent' };
    case ClientMsg.PointerEvent:
      return { kind: 'forbidden', name: 'PointerEvent' };
    case ClientMsg.ClientCutText:
      return { kind: 'forbidden', name: 'ClientCutText' };
    case ClientMsg.SetDesktopSize:
      return { kind: 'forbidden', name: 'SetDesktopSize' };
    case ClientMsg.Xvp:
      return { kind: 'forbidden', name: 'xvp' };
    case ClientMsg.Qemu:
      return buf.length < 2 ? INCOMPLETE : { kind: 'forbidden', name: qemuSubtype(buf[1]!) };
    default:
      return { kind: 'forbidden', name: `unknown client message type ${buf[0]}` };
  }
}

/**
 * Pseudo-encodings that invite client messages the relay refuses, so the server must never
 * hear the viewer supports them: extended clipboard (noVNC answers it with a ClientCutText),
 * QEMU's extended key event and audio, xvp.
 */
export const STRIPPED_ENCODINGS: ReadonlySet<number> = new Set([-1063131698, -258, -259, -309]);

/** A complete SetEncodings message without the STRIPPED_ENCODINGS (a copy; order kept). */
export function stripEncodings(msg: Uint8Array): Buffer {
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const kept: number[] = [];
  for (let i = 0; i < view.getUint16(2); i++) {
    const enc = view.getInt32(4 + 4 * i);
    if (!STRIPPED_ENCODINGS.has(enc)) kept.push(enc);
  }
  const out = Buffer.alloc(4 + 4 * kept.length);
  out[0] = ClientMsg.SetEncodings;
  out.writeUInt16BE(kept.length, 2);
  kept.forEach((enc, i) => out.writeInt32BE(enc, 4 + 4 * i));
  return out;
}

/** The RFB versions the relay speaks toward a viewer (3.3, 3.7, 3.8). */
export function viewerVersion(greeting: Uint8Array): 3 | 7 | 8 | null {
  const m = /^RFB 003\.00([378])\n$/.exec(Buffer.from(greeting).toString('latin1'));
  return m ? (Number(m[1]) as 3 | 7 | 8) : null;
}

/** Security type "None" (RFC 6143 §7.2.1). */
export const SECURITY_NONE = 1;
