/*
 * A screenshot of a VM's display as PNG, taken over its VNC server like any viewer: a
 * one-shot shared connection asks for one full update in raw 32-bit pixels and encodes
 * what came back. Works for managed and attached VMs alike (QEMU writes no file for us).
 */
import { ErrorCode, VmsigError } from '../../../shared/model';
import { ByteQueue } from './byte-queue';
import { encodePng } from './png';
import { ClientMsg } from './rfb-messages';
import { openVnc } from './vnc-upstream';
import type { VncTarget } from './vnc-target';

/** Largest framebuffer we capture (64 Mpixel: 256 MiB of pixels). */
const MAX_PIXELS = 64 * 1024 * 1024;

function setPixelFormat32(): Buffer {
  const m = Buffer.alloc(20);
  m[0] = ClientMsg.SetPixelFormat;
  // bpp 32, depth 24, little-endian, true colour, max 255 each, shifts R16 G8 B0
  Buffer.of(32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0).copy(m, 4);
  return m;
}

/**
 * PNG of the VM display at `target`, within `timeoutMs` (default 10 s). Rejects with
 * VmsigError IO (no display, closed), TIMEOUT, EXTENT (too large), INVAL (unexpected data).
 */
export async function captureScreenshot(target: VncTarget, timeoutMs = 10_000): Promise<Buffer> {
  const vnc = await openVnc(target, timeoutMs);
  const { socket, width, height } = vnc;
  if (width * height > MAX_PIXELS) {
    socket.destroy();
    throw new VmsigError(ErrorCode.EXTENT, `display of ${width}x${height} is too large to capture`);
  }
  const q = new ByteQueue(width * height * 4 + 64 * 1024);
  q.push(vnc.leftover);
  socket.on('data', (d: Buffer) => q.push(d));
  socket.on('error', (e) => q.fail(new VmsigError(ErrorCode.IO, `VNC: ${e.message}`)));
  socket.on('close', () => q.fail(new VmsigError(ErrorCode.IO, 'VNC closed before the screenshot')));
  const timer = setTimeout(
    () => q.fail(new VmsigError(ErrorCode.TIMEOUT, `no full frame within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    const request = Buffer.alloc(10);
    request[0] = ClientMsg.FramebufferUpdateRequest;
    request.writeUInt16BE(width, 6);
    request.writeUInt16BE(height, 8);
    socket.write(
      Buffer.concat([setPixelFormat32(), Buffer.of(ClientMsg.SetEncodings, 0, 0, 1, 0, 0, 0, 0), request]),
    );
    socket.resume();
    const rgb = Buffer.alloc(width * height * 3);
    let painted = 0;
    while (painted < width * height) painted += await readUpdate(q, width, height, rgb);
    return encodePng(width, height, rgb);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** Reads one server message into `rgb`; returns the pixels it painted (0 for Bell and the like). */
async function readUpdate(q: ByteQueue, width: number, height: number, rgb: Buffer): Promise<number> {
  const type = (await q.read(1))[0]!;
  if (type === 2) return 0; // Bell
  if (type === 3) {
    const len = (await q.read(7)).readUInt32BE(3);
    if (len > 1 << 20) throw new VmsigError(ErrorCode.INVAL, 'oversized ServerCutText');
    await q.read(len);
    return 0;
  }
  if (type !== 0) throw new VmsigError(ErrorCode.INVAL, `unexpected server message ${type}`);
  const rects = (await q.read(3)).readUInt16BE(1);
  let painted = 0;
  for (let i = 0; i < rects; i++) {
    const h = await q.read(12);
    const [x, y, w, hh] = [h.readUInt16BE(0), h.readUInt16BE(2), h.readUInt16BE(4), h.readUInt16BE(6)];
    const enc = h.readInt32BE(8);
    if (enc !== 0)
      throw new VmsigError(ErrorCode.INVAL, `server sent encoding ${enc}; we asked for raw only`);
    if (x + w > width || y + hh > height)
      throw new VmsigError(ErrorCode.INVAL, 'rectangle outside the framebuffer');
    const px = await q.read(w * hh * 4);
    for (let row = 0; row < hh; row++) {
      for (let col = 0; col < w; col++) {
        const s = (row * w + col) * 4;
        const d = ((y + row) * width + x + col) * 3;
        // little-endian 32-bit with R at bit 16: bytes are B, G, R, pad
        rgb[d] = px[s + 2]!;
        rgb[d + 1] = px[s + 1]!;
        rgb[d + 2] = px[s]!;
      }
    }
    painted += w * hh;
  }
  return painted;
}
