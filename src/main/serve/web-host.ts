/*
 * The headless host's web side: serves the built renderer on 127.0.0.1 with a per-start
 * token, bridges the console API over WebSocket (/api) and relays each VM's VNC websocket
 * (/vnc/<id>) — all behind the same token and origin checks. It runs the same
 * ConsoleService the Electron shell runs; it never reaches the core except through it.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { Log } from '../core';
import { type ConsoleHostPort, ConsoleService } from '../host/console';
import { authorized, newToken, originAllowed, presentedToken, tokenCookie } from './access';
import { resolveStatic, sendFile, sendStatus } from './static-files';
import { MAX_MESSAGE, bridgeSocket } from './ws-bridge';
import { proxyVnc } from './vnc-proxy';

/** Options of the web host. */
export interface WebHostOptions {
  host: ConsoleHostPort;
  log: Log;
  /** TCP port on 127.0.0.1 (default 0 = any free port). */
  port?: number;
  /** The built renderer (default <repo>/out/renderer). */
  rendererDir?: string;
  /** A fixed token (tests); default random per start. */
  token?: string;
}

/** A running web host. */
export interface WebHost {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly service: ConsoleService;
  /** Closes sockets and the server, detaches the console control. */
  stop(): Promise<void>;
}

/** Default location of the built renderer, relative to this file in the source tree. */
export function defaultRendererDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../out/renderer');
}

/** Starts the web host. Rejects when the port is taken or the renderer is not built (with the command that builds it). */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const root = path.resolve(opts.rendererDir ?? defaultRendererDir());
  if (!resolveStatic(root, '/index.html'))
    throw new Error(`the console UI is not built (no ${root}/index.html): run npm run build`);
  const token = opts.token ?? newToken();
  const service = new ConsoleService(opts.host, {
    log: opts.log,
    // The port in the query changes when QEMU restarts, so the page reconnects its screen.
    vncUrl: (id, vncPort) => `/vnc/${id}?display=${vncPort}`,
  });
  service.start();
  let port = 0;

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, 405, 'method not allowed');
    if (!authorized(req, port, token))
      return sendStatus(res, 403, 'forbidden: open the URL vmsig serve printed (it carries the token)');
    const file = resolveStatic(root, new URL(req.url ?? '/', 'http://x').pathname);
    if (!file) return sendStatus(res, 404, 'not found');
    sendFile(res, file, presentedToken(req).fromQuery ? { 'Set-Cookie': tokenCookie(token) } : {});
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE,
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });
  server.on('upgrade', (req, socket, head) => {
    const reject = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    };
    if (!authorized(req, port, token) || !originAllowed(req, port)) return reject('403 Forbidden');
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const vnc = /^\/vnc\/(\d{1,2})$/.exec(pathname);
    if (pathname !== '/api' && !vnc) return reject('404 Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!vnc) return bridgeSocket(ws, service, opts.log);
      const vm = opts.host.vms().find((v) => v.id === Number(vnc[1]));
      if (!vm?.vncWebsocketPort) return ws.close(1011, 'this VM has no display now');
      proxyVnc(ws, vm.vncWebsocketPort, opts.log);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    port,
    token,
    service,
    async stop() {
      service.stop();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
