/*
 * A raw RFB client for tests: the client half of the handshake over a WebSocket (the
 * relay) or a Unix socket (QEMU itself, for positive controls), and the bytes of the
 * messages the relay must refuse — key events that type a shell line, pointer moves,
 * clipboard, QEMU's extended key events. Test-only; US keyboard, printable ASCII.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** A byte pipe with an exact-read helper. */
export interface RfbPipe {
  send(bytes: Buffer): void;
  read(n: number, timeoutMs?: number): Promise<Buffer>;
  /** Resolves when the other side closed. */
  closed: Promise<void>;
  close(): void;
}

function pipe(
  write: (b: Buffer) => void,
  close: () => void,
): RfbPipe & { push(b: Buffer): void; end(): void } {
  let buf = Buffer.alloc(0);
  let wake: (() => void) | null = null;
  let ended = false;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((r) => (resolveClosed = r));
  return {
    send: write,
    close,
    closed,
    push(b) {
      buf = Buffer.concat([buf, b]);
      wake?.();
    },
    end() {
      ended = true;
      resolveClosed();
      wake?.();
    },
    async read(n, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (buf.length < n) {
        if (ended) throw new Error(`peer closed with ${buf.length} of ${n} bytes`);
        if (Date.now() > end) throw new Error(`timed out reading ${n} bytes`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      const out = buf.subarray(0, n);
      buf = buf.subarray(n);
      return out;
    },
  };
}

/** A pipe over a WebSocket (`/display/<vm>?ticket=…`). */
export function wsPipe(ws: WebSocket): RfbPipe {
  const p = pipe(
    (b) => ws.send(b),
    () => ws.close(),
  );
  ws.on('message', (d: Buffer) => p.push(d));
  ws.on('close', () => p.end());
  ws.on('error', () => p.end());
  return p;
}

/** A pipe over QEMU's VNC Unix socket. */
export async function unixPipe(path: string): Promise<RfbPipe> {
  const s = net.createConnection({ path });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  return streamPipe(s);
}

/** A pipe over any connected byte stream (a Unix socket, a fleet screen session over NATS). */
export function streamPipe(s: Duplex): RfbPipe {
  const p = pipe(
    (b) => s.write(b),
    () => s.destroy(),
  );
  s.on('data', (d) => p.push(d));
  s.on('close', () => p.end());
  s.on('error', () => p.end());
  return p;
}

/** Opens a WebSocket with our Origin; rejects with the HTTP status when refused. */
export function openWs(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Origin: origin } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** The client handshake (RFB 3.8, None, shared); resolves with the framebuffer size. */
export async function rfbHandshake(p: RfbPipe): Promise<{ width: number; height: number }> {
  const version = (await p.read(12)).toString('latin1');
  if (!version.startsWith('RFB 003.')) throw new Error(`not RFB: ${version}`);
  p.send(Buffer.from('RFB 003.008\n'));
  const n = (await p.read(1))[0]!;
  const types = [...(await p.read(n))];
  if (!types.includes(1)) throw new Error(`no security None in ${types}`);
  p.send(Buffer.of(1));
  if ((await p.read(4)).readUInt32BE(0) !== 0) throw new Error('security refused');
  p.send(Buffer.of(1));
  const init = await p.read(24);
  await p.read(init.readUInt32BE(20));
  return { width: init.readUInt16BE(0), height: init.readUInt16BE(2) };
}

const SHIFTED = '~!@#$%^&*()_+{}|:"<>?';
const SHIFT_L = 0xffe1;
const RETURN = 0xff0d;

function keyEvent(down: boolean, keysym: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 4;
  b[1] = down ? 1 : 0;
  b.writeUInt32BE(keysym, 4);
  return b;
}

/** RFB KeyEvents (keysyms) that type `text` on a US layout, Shift held where needed. */
export function keyEventsFor(text: string): Buffer {
  const out: Buffer[] = [];
  for (const ch of text) {
    const sym = ch === '\n' ? RETURN : ch.charCodeAt(0);
    const shift = /[A-Z]/.test(ch) || SHIFTED.includes(ch);
    if (shift) out.push(keyEvent(true, SHIFT_L));
    out.push(keyEvent(true, sym), keyEvent(false, sym));
    if (shift) out.push(keyEvent(false, SHIFT_L));
  }
  return Buffer.concat(out);
}

/** XT (set 1) scancodes for QEMU's extended key event: letters, digits and a few keys. */
const SCANCODE: Record<string, number> = {
  ...Object.fromEntries([...'qwertyuiop'].map((c, i) => [c, 0x10 + i])),
  ...Object.fromEntries([...'asdfghjkl'].map((c, i) => [c, 0x1e + i])),
  ...Object.fromEntries([...'zxcvbnm'].map((c, i) => [c, 0x2c + i])),
  ...Object.fromEntries([...'1234567890'].map((c, i) => [c, 0x02 + i])),
  ' ': 0x39,
  '/': 0x35,
  '.': 0x34,
  '\n': 0x1c,
};

function extKey(down: boolean, keysym: number, scancode: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 255;
  b[1] = 0;
  b.writeUInt16BE(down ? 1 : 0, 2);
  b.writeUInt32BE(keysym, 4);
  b.writeUInt32BE(scancode, 8);
  return b;
}

/** QEMU extended key events typing `text` (lowercase letters, digits, space, / . > and newline; S as Shift+s). */
export function extKeyEventsFor(text: string): Buffer {
  const out: Buffer[] = [];
  for (const ch of text) {
    const lower = ch === '>' ? '.' : ch.toLowerCase();
    const code = SCANCODE[lower];
    if (code === undefined) throw new Error(`no scancode for ${JSON.stringify(ch)}`);
    const shift = ch !== lower;
    const sym = ch === '\n' ? RETURN : ch.charCodeAt(0);
    if (shift) out.push(extKey(true, SHIFT_L, 0x2a));
    out.push(extKey(true, sym, code), extKey(false, sym, code));
    if (shift) out.push(extKey(false, SHIFT_L, 0x2a));
  }
  return Buffer.concat(out);
}

/** PointerEvents moving across the screen with the left button pressed and released. */
export function pointerEvents(width: number, height: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 1; i <= 8; i++) {
    const b = Buffer.alloc(6);
    b[0] = 5;
    b[1] = i % 2;
    b.writeUInt16BE(Math.floor((width * i) / 10), 2);
    b.writeUInt16BE(Math.floor((height * i) / 10), 4);
    out.push(b);
  }
  return Buffer.concat(out);
}

/** ClientCutText carrying `text`. */
export function cutText(text: string): Buffer {
  const t = Buffer.from(text, 'latin1');
  const b = Buffer.alloc(8);
  b[0] = 6;
  b.writeUInt32BE(t.length, 4);
  return Buffer.concat([b, t]);
}

/** SetEncodings with QEMU's extended key event pseudo-encoding (-258), which QEMU wants first. */
export function enableExtKeys(): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 2;
  b.writeUInt16BE(1, 2);
  b.writeInt32BE(-258, 4);
  return b;
}
