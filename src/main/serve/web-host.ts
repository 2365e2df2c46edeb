/*
 * The headless host's web side: serves the built renderer on 127.0.0.1 with a per-start
 * token, bridges the console API over WebSocket (/api) and runs the host's RFB relay for each
 * VM's screen (/display/<id>, entered with a one-time ticket) — behind host and origin checks. It runs the same
 * ConsoleService the Electron shell runs; it never reaches the core except through it.
 */
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { Log } from '../core';
import { type ConsoleHostPort, ConsoleService } from '../host/console';
import { authorized, consoleUrl, hostAllowed, newToken, originAllowed } from './access';
import { awaitHello } from './api-auth';
import { displayRoute, serveDisplayRequest } from './display-routes';
import { DisplayService } from '../host/display';
import { resolveStatic, sendFile, sendStatus } from './static-files';
import { MAX_MESSAGE, bridgeSocket } from './ws-bridge';
import { relayDisplay } from './vnc-proxy';
import { guardServer, requestPath } from './http-guard';
import { FleetDisplay, type FleetScreens, fleetDisplayRoute } from './fleet-display';
import type { ConsoleFleetPort } from '../host/console';

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
  /** Lifetime of a display ticket (tests shorten it; default TICKET_TTL_MS). */
  displayTicketTtlMs?: number;
  /** The fleet view and other hosts' screens, when this host is in a NATS fleet (docs/fleet.md §9). */
  fleet?: ConsoleFleetPort & FleetScreens;
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

/**
 * Default location of the built renderer (out/renderer), seen from this file in the source
 * tree or from the CLI bundle in out/cli/.
 */
export function defaultRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const inCliBundle = path.basename(here) === 'cli' && path.basename(path.dirname(here)) === 'out';
  return path.resolve(here, inCliBundle ? '../renderer' : '../../../out/renderer');
}

/** Starts the web host. Rejects when the port is taken or the renderer is not built (with the command that builds it). */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const root = path.resolve(opts.rendererDir ?? defaultRendererDir());
  if (!resolveStatic(root, '/index.html'))
    throw new Error(`the console UI is not built (no ${root}/index.html): run npm run build`);
  const token = opts.token ?? newToken();
  const service = new ConsoleService(opts.host, { log: opts.log, fleet: opts.fleet });
  const fleetDisplay = opts.fleet ? new FleetDisplay(opts.fleet, opts.log) : null;
  service.start();
  const display = new DisplayService(opts.host, () => service.id, {
    log: opts.log,
    ticketTtlMs: opts.displayTicketTtlMs,
  });
  let port = 0;

  const server = http.createServer((req, res) => {
    // Whatever a request holds, it is answered or dropped here: a throw out of this
    // listener would end the process and orphan the VMs (`GET //a:99999/` once did).
    try {
      const pathname = requestPath(req.url);
      if (pathname === null) return sendStatus(res, 400, 'bad request target');
      if (!hostAllowed(req, port)) return sendStatus(res, 403, 'forbidden: not this host');
      const route = displayRoute(pathname, req.url);
      if (route && route.kind !== 'socket') {
        if (!authorized(req, port, token)) return sendStatus(res, 403, 'forbidden: the API needs the token');
        return void serveDisplayRequest(req, res, route, display);
      }
      const remote = fleetDisplay && fleetDisplayRoute(pathname, req.url);
      if (remote && remote.kind === 'ticket') {
        if (!authorized(req, port, token)) return sendStatus(res, 403, 'forbidden: the API needs the token');
        if (req.method !== 'POST') return sendStatus(res, 405, 'POST a ticket request');
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        return void res.end(JSON.stringify(fleetDisplay.mint(remote.host, remote.endpoint)));
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, 405, 'method not allowed');
      // The page's files hold no secret: they load without the token, which only the API checks.
      const file = resolveStatic(root, pathname);
      if (!file) return sendStatus(res, 404, 'not found');
      sendFile(res, file);
    } catch (e) {
      opts.log('warn', `request ${JSON.stringify(req.url?.slice(0, 200))} failed: ${String(e)}`);
      if (!res.headersSent) sendStatus(res, 500, 'internal error');
      else res.destroy();
    }
  });
  guardServer(server, opts.log);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE,
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });
  server.on('upgrade', (req, socket: Duplex, head) => {
    // Node gives an upgraded socket no 'error' listener: a peer that resets it after our
    // refusal would otherwise throw out of the process.
    socket.on('error', (e) => opts.log('debug', `upgrade socket: ${e.message}`));
    const reject = (status: string): void => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      else socket.destroy();
    };
    try {
      const pathname = requestPath(req.url);
      if (pathname === null) return reject('400 Bad Request');
      if (!hostAllowed(req, port) || !originAllowed(req, port)) return reject('403 Forbidden');
      const remote = fleetDisplay && fleetDisplayRoute(pathname, req.url);
      if (remote?.kind === 'socket') {
        if (!fleetDisplay!.redeem(remote.ticket, remote.host, remote.endpoint))
          return reject('403 Forbidden');
        return wss.handleUpgrade(req, socket, head, (ws) => {
          ws.on('error', (e) => opts.log('debug', `browser socket: ${e.message}`));
          fleetDisplay!.relay(ws, remote.host, remote.endpoint);
        });
      }
      const route = displayRoute(pathname, req.url);
      if (pathname !== '/api' && route?.kind !== 'socket') return reject('404 Not Found');
      // The display socket spends its one-time ticket before the upgrade; the API socket
      // proves the token in its first message (awaitHello).
      if (route?.kind === 'socket' && !display.redeem(route.ticket, route.endpoint))
        return reject('403 Forbidden');
      wss.handleUpgrade(req, socket, head, (ws) => {
        // First of all: a socket whose peer breaks the protocol (bad RSV bits, bad UTF-8)
        // emits 'error', and an 'error' with no listener ends the process.
        ws.on('error', (e) => opts.log('debug', `browser socket: ${e.message}`));
        if (route?.kind === 'socket') return relayDisplay(ws, display, route.endpoint);
        awaitHello(ws, token, () => bridgeSocket(ws, service, opts.log));
      });
    } catch (e) {
      opts.log('warn', `upgrade ${JSON.stringify(req.url?.slice(0, 200))} failed: ${String(e)}`);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const url = consoleUrl(port, token);
  return {
    url,
    port,
    token,
    service,
    async stop() {
      display.closeAll();
      service.stop();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
