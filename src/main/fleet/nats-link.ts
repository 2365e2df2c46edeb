/*
 * The host's one connection to the NATS server: its own credentials (never anonymous),
 * refusal of a server that does not require authentication (never an open bus),
 * reconnecting forever, and a `connected` flag so nothing is queued for a bus that is
 * gone. Subscriptions are made once; the client library renews them on every reconnect.
 */
import {
  type NatsConnection,
  connect,
  headers as natsHeaders,
  nkeyAuthenticator,
} from '@nats-io/transport-node';
import type { Log } from '../core';
import type { NatsConfig } from '../host/config';

/** Handles a message; `respond` answers a request (the `open` subject). */
export type LinkHandler = (subject: string, data: Uint8Array, respond: (data: Uint8Array) => void) => void;

/** What the link reports. */
export interface LinkEvents {
  /** Connected (again: after a reconnect). */
  connected(link: NatsLink, again: boolean): void;
  disconnected(): void;
  subscriptions: Record<string, LinkHandler>;
}

/** A live connection to NATS. */
export class NatsLink {
  connected = true;
  constructor(private readonly nc: NatsConnection) {}

  /** Publishes when connected; drops otherwise (the state is replayed after a reconnect). */
  publish(subject: string, data: Uint8Array, headers?: Record<string, string>): void {
    if (!this.connected) return;
    try {
      if (!headers) this.nc.publish(subject, data);
      else {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(headers)) h.set(k, v);
        this.nc.publish(subject, data, { headers: h });
      }
    } catch {
      // Closed under us: the status loop reports it.
    }
  }

  /** Closes the connection, flushing what was published. */
  async close(): Promise<void> {
    this.connected = false;
    await this.nc.drain().catch(() => this.nc.close());
  }
}

/** The server lets anyone in: the bridge does not join it (not retried). */
export class OpenBusError extends Error {
  override name = 'OpenBusError';
}

/** Connects once (the caller retries) and then keeps the link's state across reconnects. */
export async function openNatsLink(config: NatsConfig, log: Log, on: LinkEvents): Promise<NatsLink | null> {
  const nc = await connect({
    servers: config.url,
    name: `vmsig-host-${config.host}`,
    ...(config.password !== undefined
      ? { user: config.user, pass: config.password }
      : { authenticator: nkeyAuthenticator(new TextEncoder().encode(config.nkeySeed ?? '')) }),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    // A dead server is noticed by the ping timer too, not only by a closed socket.
    pingInterval: 1000,
    maxPingOut: 2,
  });
  if (nc.info?.auth_required !== true) {
    await nc.close();
    throw new Error(
      `${config.url} does not require authentication: not joining an open bus (docs/fleet.md §3)`,
    );
  }
  const link = new NatsLink(nc);
  on.connected(link, false);
  for (const [subject, handler] of Object.entries(on.subscriptions)) {
    nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return log('warn', `fleet: subscription ${subject}: ${err.message}`);
        try {
          handler(msg.subject, msg.data, (data) => void msg.respond(data));
        } catch (e) {
          log('error', `fleet: handling ${msg.subject}: ${String(e)}`);
        }
      },
    });
  }
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' && link.connected) {
        link.connected = false;
        on.disconnected();
      } else if (s.type === 'reconnect' && !link.connected) {
        link.connected = true;
        on.connected(link, true);
      } else if (s.type === 'error') log('warn', `fleet: ${String(s.error)}`);
    }
  })().catch(() => {});
  return link;
}
