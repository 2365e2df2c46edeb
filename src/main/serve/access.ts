/*
 * Who may talk to the headless host. Every request must name this host (127.0.0.1,
 * localhost or [::1] and our port, against DNS rebinding); WebSocket upgrades must also come
 * from our own page. The per-start token never rides in a cookie or a URL the server sees:
 * API requests carry it in a header, the API socket in its first message, and the display
 * socket a one-time ticket. Pure checks over headers and strings; no I/O.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Header that carries the token on API requests (`Authorization: Bearer …` works too). */
export const TOKEN_HEADER = 'x-vmsig-token';

/** A fresh random token (32 bytes, URL-safe). */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a presented token with the real one ('' never matches). */
export function sameToken(presented: unknown, token: string): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  const x = Buffer.from(presented);
  const y = Buffer.from(token);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The token a request carries in its headers, or ''. */
export function headerToken(req: IncomingMessage): string {
  const h = req.headers[TOKEN_HEADER];
  if (typeof h === 'string') return h;
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer ([A-Za-z0-9_-]+)$/.exec(auth) : null;
  return m ? m[1]! : '';
}

/** Whether the Host header names this server (127.0.0.1, localhost or [::1] on `port`). */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const h = req.headers.host ?? '';
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(h);
}

/** Whether a WebSocket upgrade's Origin is this server's own page. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const o = req.headers.origin;
  return o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}` || o === `http://[::1]:${port}`;
}

/** An API request: our host, and the token in a header. */
export function authorized(req: IncomingMessage, port: number, token: string): boolean {
  return hostAllowed(req, port) && sameToken(headerToken(req), token);
}

/** The console URL to print: the token in the fragment, which browsers never send to a server. */
export function consoleUrl(port: number, token: string): string {
  return `http://127.0.0.1:${port}/#token=${token}`;
}
