/*
 * What keeps malformed HTTP from reaching the web host's handlers or outliving its
 * welcome: a request target parsed without throwing, an answer for requests Node's parser
 * rejects, and deadlines for sockets that never finish a request. No routing here.
 */
import type http from 'node:http';
import type { Log } from '../core';

/** Whole request headers must arrive within this (Node's default is 60 s). */
const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request, body included (none of ours has one), within this. */
const REQUEST_TIMEOUT_MS = 15_000;
/** An idle keep-alive socket is closed after this. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * The path of a request target, or null when it is not one we could ever serve: only
 * origin-form targets (`/…`) count; `//host:port/`, `*` and absolute URLs do not.
 * `new URL` on such targets throws, so it is never called on them.
 */
export function requestPath(target: string | undefined): string | null {
  if (!target || target[0] !== '/' || target[1] === '/' || target[1] === '\\') return null;
  try {
    return new URL(target, 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

/**
 * Sets the server's deadlines and answers parser errors (bad headers, oversized headers,
 * a reset mid-request) without letting them reach the process: 400 when the socket can
 * still be written, else it is destroyed.
 */
export function guardServer(server: http.Server, log: Log): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log('debug', `bad HTTP from a client: ${err.code ?? err.message}`);
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });
}
