/*
 * Who may talk to the headless host: a request must name this host (127.0.0.1/localhost
 * and our port, against DNS rebinding) and carry the per-start token, in the query or in
 * the HttpOnly cookie the first tokened page load sets. WebSocket upgrades must also come
 * from our own origin. Pure checks over headers; no I/O.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie that carries the token after the first page load. */
export const TOKEN_COOKIE = 'vmsig_token';

/** A fresh random token (32 bytes, URL-safe). */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The token a request presents (query first, then cookie), or ''. */
export function presentedToken(req: IncomingMessage): { token: string; fromQuery: boolean } {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams.get('token');
  if (q) return { token: q, fromQuery: true };
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return { token: decodeURIComponent(v.join('=')), fromQuery: false };
  }
  return { token: '', fromQuery: false };
}

/** Whether the Host header names this server (127.0.0.1, localhost or [::1] on `port`). */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const h = req.headers.host ?? '';
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(h);
}

/** Whether a WebSocket upgrade's Origin is this server's own page. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const o = req.headers.origin;
  return o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;
}

/** Full check for a request: host, then token. */
export function authorized(req: IncomingMessage, port: number, token: string): boolean {
  return hostAllowed(req, port) && sameToken(presentedToken(req).token, token);
}

/** The Set-Cookie value that lets the page's own assets and sockets through. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
