/*
 * The API socket's authentication: a browser cannot put a header on a WebSocket, so the
 * page's first message must be `{"t":"hello","token":…}`. Until then nothing reaches the
 * console service; a wrong, late or missing hello closes the socket (1008).
 */
import type { WebSocket } from 'ws';
import { sameToken } from './access';

/** How long a socket may stay open without its hello. */
export const HELLO_TIMEOUT_MS = 5000;

/** Calls `accepted()` once `ws` presented `token` in its first message; otherwise closes it. */
export function awaitHello(
  ws: WebSocket,
  token: string,
  accepted: () => void,
  timeoutMs = HELLO_TIMEOUT_MS,
): void {
  const timer = setTimeout(() => ws.close(1008, 'no hello'), timeoutMs);
  ws.once('message', (data, isBinary) => {
    clearTimeout(timer);
    let hello: unknown = null;
    try {
      if (!isBinary) hello = JSON.parse(String(data));
    } catch {
      // not JSON: refused below like any wrong hello
    }
    const h = (typeof hello === 'object' && hello !== null ? hello : {}) as { t?: unknown; token?: unknown };
    if (h.t !== 'hello' || !sameToken(h.token, token)) {
      ws.close(1008, 'bad token');
      return;
    }
    accepted();
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'welcome' }));
  });
  ws.once('close', () => clearTimeout(timer));
}
