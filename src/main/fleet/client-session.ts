/*
 * A client's session with one host of the fleet (docs/fleet.md §4): connects to NATS as
 * its own user, asks the host to open a session (request/reply: a host that is not on the
 * bus is an immediate error), then speaks the socket protocol through a WireClient over
 * the session's subjects, with a heartbeat every 500 ms for as long as it lives.
 */
import crypto from 'node:crypto';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { ErrorCode, VmsigError } from '../../shared/model';
import { WireClient } from '../wire';
import { SubjectStream } from './subject-stream';
import { TOKEN, sessionSubject } from './subjects';

/** Where and who. */
export interface FleetSessionOptions {
  /** nats://HOST:PORT (credentials in it are taken out and used as user/password). */
  url: string;
  /** The fleet name of the host to talk to. */
  host: string;
  user?: string;
  pass?: string;
  openTimeoutMs?: number;
}

const HEARTBEAT_MS = 500;

/** Splits credentials out of a nats:// URL. */
function splitUrl(url: string): { server: string; user?: string; pass?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new VmsigError(ErrorCode.INVAL, `not a NATS URL: ${url}`);
  }
  if (u.protocol !== 'nats:' && u.protocol !== 'tls:')
    throw new VmsigError(ErrorCode.INVAL, `a NATS URL starts nats:// or tls://, got ${u.protocol}`);
  const out: { server: string; user?: string; pass?: string } = { server: `${u.protocol}//${u.host}` };
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.password) out.pass = decodeURIComponent(u.password);
  return out;
}

/** Opens a session on `host`; rejects VmsigError (IO: no such host on the bus; AUTH: no control for this user). */
export async function openFleetSession(opts: FleetSessionOptions): Promise<WireClient> {
  const { server, ...fromUrl } = splitUrl(opts.url);
  const user = opts.user ?? fromUrl.user;
  const pass = opts.pass ?? fromUrl.pass;
  if (!user || !TOKEN.test(user))
    throw new VmsigError(ErrorCode.INVAL, 'a NATS user name is needed (and one subject token)');
  if (!TOKEN.test(opts.host))
    throw new VmsigError(ErrorCode.INVAL, `host "${opts.host}" is not a fleet name`);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: server,
      user,
      pass,
      name: `vmsig-client-${user}`,
      // Replies come to this user's own inbox, which no other user may subscribe to.
      inboxPrefix: `_INBOX_${user}`,
      reconnect: false,
      pingInterval: 1000,
      maxPingOut: 2,
    });
  } catch (e) {
    throw new VmsigError(ErrorCode.IO, `cannot connect to ${server}: ${(e as Error).message}`);
  }
  const sid = crypto.randomBytes(8).toString('hex');
  const subject = (verb: 'open' | 'in' | 'out' | 'hb' | 'fin'): string =>
    sessionSubject(opts.host, user, sid, verb);
  let hb: NodeJS.Timeout | null = null;
  const stream = new SubjectStream(
    (data) => nc.publish(subject('in'), data),
    () => {
      if (hb) clearInterval(hb);
      try {
        nc.publish(subject('fin'));
      } catch {
        // already closed
      }
      void nc.drain().catch(() => nc.close());
    },
  );
  nc.subscribe(subject('out'), { callback: (_e, m) => stream.deliver(m.data) });
  nc.subscribe(subject('fin'), { callback: () => void stream.destroy() });
  void nc.closed().then(() => stream.destroy());
  try {
    const r = await nc.request(subject('open'), new Uint8Array(0), { timeout: opts.openTimeoutMs ?? 3000 });
    const ans = JSON.parse(new TextDecoder().decode(r.data)) as { ok: boolean; error?: string; msg?: string };
    if (!ans.ok) {
      const code = ErrorCode[(ans.error ?? 'PERM') as keyof typeof ErrorCode] ?? ErrorCode.PERM;
      throw new VmsigError(code, `host ${opts.host}: ${ans.msg ?? ans.error ?? 'refused'}`);
    }
  } catch (e) {
    stream.destroy();
    if (e instanceof VmsigError) throw e;
    throw new VmsigError(ErrorCode.IO, `host ${opts.host} did not open a session: ${(e as Error).message}`);
  }
  hb = setInterval(() => {
    try {
      nc.publish(subject('hb'));
    } catch {
      stream.destroy();
    }
  }, HEARTBEAT_MS);
  hb.unref();
  return WireClient.over(stream);
}
