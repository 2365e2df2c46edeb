/*
 * Screens of other fleet hosts in `vmsig serve` (docs/fleet.md §9): the page asks for a
 * one-time ticket over the authenticated API and opens `/fleet/display/<host>/<vm>`; the
 * socket's bytes then go through a NATS session to the owning host's own relay, which
 * admits (OBSERVE, grant) and filters exactly as for its local viewers. This host never
 * opens another host's VNC or loopback port; it only carries bytes.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { TicketBook } from '../host/display/tickets';
import type { Log } from '../core';

/** How this host reaches another host's screens. */
export interface FleetScreens {
  openScreen(host: string, endpoint: number): Promise<Duplex>;
}

/** A fleet display route, or null when the path is not one. */
export type FleetDisplayRoute =
  | { kind: 'ticket'; host: string; endpoint: number }
  | { kind: 'socket'; host: string; endpoint: number; ticket: string };

/** Parses `/fleet/display/ticket/<host>/<vm>` and `/fleet/display/<host>/<vm>?ticket=…`. */
export function fleetDisplayRoute(pathname: string, rawUrl: string | undefined): FleetDisplayRoute | null {
  let m = /^\/fleet\/display\/ticket\/([A-Za-z0-9_-]{1,32})\/([1-9]\d?)$/.exec(pathname);
  if (m) return { kind: 'ticket', host: m[1]!, endpoint: Number(m[2]) };
  m = /^\/fleet\/display\/([A-Za-z0-9_-]{1,32})\/([1-9]\d?)$/.exec(pathname);
  if (!m) return null;
  const query = (rawUrl ?? '').split('?')[1] ?? '';
  const ticket = /^ticket=([A-Za-z0-9_-]{20,100})$/.exec(query)?.[1] ?? '';
  return { kind: 'socket', host: m[1]!, endpoint: Number(m[2]), ticket };
}

/** Hosts whose tickets are kept at once (a page cannot grow memory by naming hosts). */
const MAX_HOSTS = 64;
/** Client bytes held while the owning host's session opens (an RFB handshake is a few dozen). */
export const MAX_EARLY_BYTES = 64 * 1024;

/** Tickets and byte carriage for remote screens. */
export class FleetDisplay {
  private readonly books = new Map<string, TicketBook>();

  constructor(
    private readonly screens: FleetScreens,
    private readonly log: Log,
  ) {}

  /** A ticket for VM `endpoint` of `host`; the owning host decides admission when it is used. */
  mint(host: string, endpoint: number): { ticket: string; expiresInMs: number; pointer: 'unknown' } {
    let book = this.books.get(host);
    if (!book) {
      if (this.books.size >= MAX_HOSTS) this.books.delete(this.books.keys().next().value as string);
      this.books.set(host, (book = new TicketBook()));
    }
    const t = book.mint(endpoint);
    return { ticket: t.ticket, expiresInMs: Math.max(0, t.expiresAtMs - Date.now()), pointer: 'unknown' };
  }

  /** Spends a ticket; true when it was for this host and VM. */
  redeem(ticket: string, host: string, endpoint: number): boolean {
    return this.books.get(host)?.redeem(ticket, endpoint) === true;
  }

  /** Carries `ws` to `host`'s relay for VM `endpoint` until either side closes. */
  relay(ws: WebSocket, host: string, endpoint: number): void {
    const early: Buffer[] = [];
    let earlyBytes = 0;
    let stream: Duplex | null = null;
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return void ws.close(1003, 'RFB is binary');
      if (stream) return void stream.write(data);
      // A client that floods before the remote screen is open must not grow this host's memory.
      if ((earlyBytes += data.length) > MAX_EARLY_BYTES)
        return void ws.close(1009, 'too much before the screen opened');
      early.push(data);
    });
    ws.on('close', () => stream?.destroy());
    this.screens.openScreen(host, endpoint).then(
      (s) => {
        stream = s;
        if (ws.readyState !== ws.OPEN) return void s.destroy();
        for (const d of early.splice(0)) s.write(d);
        s.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(d, { binary: true }));
        s.on('close', () => ws.readyState === ws.OPEN && ws.close(1000, 'the host ended the screen'));
        s.on('error', () => undefined);
      },
      (e: unknown) => {
        const why = (e instanceof Error ? e.message : String(e)).slice(0, 110);
        this.log('warn', `fleet screen ${host}/${endpoint}: ${why}`);
        if (ws.readyState === ws.OPEN) ws.close(1000, why);
      },
    );
  }
}
