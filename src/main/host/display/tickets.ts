/*
 * One-time display tickets: a socket that cannot carry the console's token (the display
 * relay's WebSocket) presents a ticket minted over the authenticated API instead. A ticket
 * names one VM, works once and expires after a few seconds; at most a few are outstanding.
 */
import crypto from 'node:crypto';

/** Default lifetime of a ticket. */
export const TICKET_TTL_MS = 15_000;
/** Outstanding tickets kept; minting beyond drops the oldest (a page asking in a loop cannot grow memory). */
const MAX_OUTSTANDING = 64;

/** A minted ticket. */
export interface Ticket {
  ticket: string;
  endpoint: number;
  expiresAtMs: number;
}

/** The host's book of outstanding tickets. */
export class TicketBook {
  private readonly open = new Map<string, Ticket>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = TICKET_TTL_MS,
  ) {}

  /** A fresh ticket for `endpoint` (32 random bytes, URL-safe). */
  mint(endpoint: number): Ticket {
    this.sweep();
    while (this.open.size >= MAX_OUTSTANDING) this.open.delete(this.open.keys().next().value as string);
    const t = {
      ticket: crypto.randomBytes(32).toString('base64url'),
      endpoint,
      expiresAtMs: this.now() + this.ttlMs,
    };
    this.open.set(t.ticket, t);
    return t;
  }

  /** Whether `ticket` is outstanding, unexpired and for `endpoint`; it is spent either way. */
  redeem(ticket: string, endpoint: number): boolean {
    const t = this.open.get(ticket);
    if (!t) return false;
    this.open.delete(ticket);
    return t.endpoint === endpoint && this.now() < t.expiresAtMs;
  }

  /** Outstanding (unexpired) tickets. */
  get size(): number {
    this.sweep();
    return this.open.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, t] of this.open) if (now >= t.expiresAtMs) this.open.delete(k);
  }
}
