/*
 * Tools the security fuzz tests share: a seeded PRNG (a failing run replays from its
 * printed seed), raw TCP exchanges that never throw, WebSocket frame bytes built by hand,
 * and a count of a process's open descriptors read from /proc.
 */
import fs from 'node:fs';
import net from 'node:net';

/** The suite's one seeded PRNG (test/helpers), re-exported for the fuzz tests. */
export { prng } from '../helpers/prng';

/** Open descriptors of `pid` (sockets, files, pipes), or -1 when the process is gone. */
export function openFds(pid: number): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

/** How a raw exchange ends on our side. */
export type Ending = 'read' | 'end' | 'reset' | 'keep';

/**
 * Connects to 127.0.0.1:`port`, writes `chunks` in order and then ends as told: `read`
 * waits for the server to answer or close (at most `waitMs`), `end` half-closes, `reset`
 * sends an RST, `keep` leaves the socket open for the caller. Resolves with what the
 * server sent and the socket; never rejects.
 */
export function exchange(
  port: number,
  chunks: (string | Buffer)[],
  ending: Ending,
  waitMs = 1500,
): Promise<{ reply: string; socket: net.Socket }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: ending === 'end' });
    let reply = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ reply, socket });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('data', (b: Buffer) => {
      reply += b.toString('latin1');
      if (ending === 'read' && reply.includes('\r\n\r\n') && !reply.startsWith('HTTP/1.1 101')) finish();
    });
    socket.once('connect', () => {
      for (const c of chunks) socket.write(c);
      if (ending === 'end') socket.end();
      else if (ending === 'reset') {
        socket.resetAndDestroy();
        finish();
      } else if (ending === 'keep') finish();
    });
  });
}

/** One client WebSocket frame: masked as RFC 6455 requires, with any opcode and RSV bits. */
export function wsFrame(opcode: number, payload: Buffer, opts: { fin?: boolean; rsv?: number } = {}): Buffer {
  const first = ((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | (opcode & 0x0f);
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([first, 0x80 | len])
      : len < 65536
        ? Buffer.from([first, 0x80 | 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([first, 0x80 | 127]), bigLength(len)]);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

/** Random bytes from `rand`. */
export function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}
