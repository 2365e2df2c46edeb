/*
 * A stand-in VNC server on a Unix socket for unit tests of the display relay: RFB 3.8 with
 * security None, a small framebuffer with a known pattern sent raw on every update request,
 * and a record of what each client sent after ClientInit (so a test can prove a forbidden
 * message never arrived). Not a real VNC server: it honours only 32-bit pixels.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The stand-in server. */
export interface FakeVnc {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  /** The ClientInit shared flag each client sent. */
  readonly sharedFlags: number[];
  /** Every byte each client sent after ClientInit, concatenated per client. */
  readonly received: Buffer[];
  /** Number of client connections so far. */
  connections(): number;
  close(): Promise<void>;
}

/** The pattern: red left half, blue right half, a green top row. */
export function fakePixel(x: number, y: number, width: number): [number, number, number] {
  if (y === 0) return [0, 255, 0];
  return x < width / 2 ? [255, 0, 0] : [0, 0, 255];
}

/** Starts the server in a fresh temp dir; `bytesPerUpdate` pads each update to test backpressure. */
export async function startFakeVnc(
  opts: { width?: number; height?: number; name?: string } = {},
): Promise<FakeVnc> {
  const width = opts.width ?? 64;
  const height = opts.height ?? 48;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fakevnc-'));
  const sock = path.join(dir, 'vnc.sock');
  const sharedFlags: number[] = [];
  const received: Buffer[] = [];
  const clients = new Set<net.Socket>();
  let count = 0;
  const update = (): Buffer => {
    const head = Buffer.alloc(16);
    head[0] = 0;
    head.writeUInt16BE(1, 2);
    head.writeUInt16BE(width, 8);
    head.writeUInt16BE(height, 10);
    head.writeInt32BE(0, 12);
    const px = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const [r, g, b] = fakePixel(x, y, width);
        px.set([b, g, r, 0], (y * width + x) * 4);
      }
    return Buffer.concat([head, px]);
  };
  const server = net.createServer((c) => {
    clients.add(c);
    c.on('close', () => clients.delete(c));
    c.on('error', () => {});
    const index = count++;
    received[index] = Buffer.alloc(0);
    let stage = 0;
    let buf = Buffer.alloc(0);
    c.write('RFB 003.008\n');
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (stage === 0 && buf.length >= 12) {
          buf = buf.subarray(12);
          c.write(Buffer.of(1, 1));
          stage = 1;
        } else if (stage === 1 && buf.length >= 1) {
          buf = buf.subarray(1);
          c.write(Buffer.of(0, 0, 0, 0));
          stage = 2;
        } else if (stage === 2 && buf.length >= 1) {
          sharedFlags.push(buf[0]!);
          buf = buf.subarray(1);
          const name = Buffer.from(opts.name ?? 'fake');
          const init = Buffer.alloc(24);
          init.writeUInt16BE(width, 0);
          init.writeUInt16BE(height, 2);
          Buffer.of(32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0).copy(init, 4);
          init.writeUInt32BE(name.length, 20);
          c.write(Buffer.concat([init, name]));
          stage = 3;
        } else if (stage === 3 && buf.length > 0) {
          received[index] = Buffer.concat([received[index]!, buf]);
          // Answer every FramebufferUpdateRequest seen at a message boundary we can spot.
          if (buf.includes(3)) c.write(update());
          buf = Buffer.alloc(0);
        } else break;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  return {
    path: sock,
    width,
    height,
    sharedFlags,
    received,
    connections: () => count,
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
