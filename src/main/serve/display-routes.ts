/*
 * The web host's display routes. Over the authenticated API (token in a header):
 * `POST /display/ticket/<vm>` mints a one-time ticket, `GET /display/screenshot/<vm>`
 * answers a PNG. Over WebSocket: `/display/<vm>?ticket=…` spends the ticket and becomes a
 * relay viewer. Admission itself (OBSERVE and grant) is the DisplayService's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, isVmsigError } from '../../shared/model';
import type { DisplayService } from '../host/display';
import { SECURITY_HEADERS } from './static-files';

/** A display route a request names, or null when it is not one of ours. */
export type DisplayRoute =
  | { kind: 'ticket'; endpoint: number }
  | { kind: 'screenshot'; endpoint: number }
  | { kind: 'socket'; endpoint: number; ticket: string };

/** Parses `pathname` (and for the socket, the raw request target's query). */
export function displayRoute(pathname: string, rawUrl: string | undefined): DisplayRoute | null {
  let m = /^\/display\/(ticket|screenshot)\/([1-9]\d?)$/.exec(pathname);
  if (m) return { kind: m[1] as 'ticket' | 'screenshot', endpoint: Number(m[2]) };
  m = /^\/display\/([1-9]\d?)$/.exec(pathname);
  if (!m) return null;
  const query = (rawUrl ?? '').split('?')[1] ?? '';
  const ticket = /^ticket=([A-Za-z0-9_-]{20,100})$/.exec(query)?.[1] ?? '';
  return { kind: 'socket', endpoint: Number(m[1]), ticket };
}

const STATUS: Record<number, number> = {
  [ErrorCode.PERM]: 403,
  [ErrorCode.GRANT]: 403,
  [ErrorCode.NOENT]: 404,
  [ErrorCode.TIMEOUT]: 504,
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, e: unknown): void {
  const code = isVmsigError(e) ? e.code : ErrorCode.IO;
  const message = e instanceof Error ? e.message : String(e);
  sendJson(res, STATUS[code] ?? 502, { code, message });
}

/** Answers an authenticated ticket or screenshot request (the caller checked host and token). */
export async function serveDisplayRequest(
  req: IncomingMessage,
  res: ServerResponse,
  route: Exclude<DisplayRoute, { kind: 'socket' }>,
  display: DisplayService,
): Promise<void> {
  try {
    if (route.kind === 'ticket') {
      if (req.method !== 'POST')
        return sendJson(res, 405, { code: ErrorCode.INVAL, message: 'POST a ticket request' });
      return sendJson(res, 200, await display.ticket(route.endpoint));
    }
    if (req.method !== 'GET')
      return sendJson(res, 405, { code: ErrorCode.INVAL, message: 'GET a screenshot' });
    const png = await display.screenshot(route.endpoint);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
    res.end(png);
  } catch (e) {
    if (!res.headersSent) sendError(res, e);
    else res.destroy();
  }
}
