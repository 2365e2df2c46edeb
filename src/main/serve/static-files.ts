/*
 * Serves the built renderer (out/renderer) read-only: resolves a URL path inside the root
 * and nowhere else, with a content type and the strict CSP. It never lists directories
 * and never follows a path out of the root.
 */
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The headless host's Content-Security-Policy: own scripts and styles, own-origin sockets, nothing else. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Security headers sent with every response. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Resolves a URL pathname to a file inside `root`, or null (outside, missing, not a file). */
export function resolveStatic(root: string, pathname: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const file = path.resolve(root, '.' + (rel === '/' ? '/index.html' : rel));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/** Writes `file` (from resolveStatic) with its type and the security headers. */
export function sendFile(res: ServerResponse, file: string, extraHeaders: Record<string, string> = {}): void {
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type, ...extraHeaders });
  // pipeline, not pipe: a client that resets mid-response must close the file too, or
  // every reset leaks a descriptor.
  pipeline(fs.createReadStream(file), res, () => {});
}

/** Ends a response with a status and a plain-text reason. */
export function sendStatus(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}
