/*
 * A client's session with one host of the fleet (docs/fleet.md §4): connects to NATS as
 * its own user (password or nkey), asks the host to open a session (request/reply: a host
 * that is not on the bus is an immediate error), then speaks the socket protocol through a
 * WireClient over the session's subjects, with a heartbeat every 500 ms for as long as it lives
 * (the open and heartbeat themselves are session-link.ts's, shared with the console).
 */
import { type NatsConnection, connect, errors, nkeyAuthenticator, nkeys } from '@nats-io/transport-node';
import { ErrorCode, VmsigError } from '../../shared/model';
import { FrameType, WireClient, encodeError, encodeFrame } from '../wire';
import { openSessionOn } from './session-link';
import type { SubjectStream } from './subject-stream';
import { TOKEN } from './subjects';

/** Where and who. */
export interface FleetSessionOptions {
  /** nats://HOST:PORT (credentials in it are taken out and used as user/password). */
  url: string;
  /** The fleet name of the host to talk to. */
  host: string;
  user?: string;
  pass?: string;
  /** An nkey user seed (`SU…`): authenticates instead of `pass`; `user` still names the subjects. */
  nkeySeed?: string;
  openTimeoutMs?: number;
}

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

/** How the client proves who it is to the nats-server; INVAL for a seed that is not a user seed. */
function natsAuth(
  user: string,
  pass: string | undefined,
  seed: string | undefined,
): { user?: string; pass?: string; authenticator?: ReturnType<typeof nkeyAuthenticator> } {
  if (seed === undefined) return { user, pass };
  try {
    // Checked here so a pasted public key or a truncated seed is named, not an opaque connect failure.
    nkeys.fromSeed(new TextEncoder().encode(seed));
  } catch {
    throw new VmsigError(ErrorCode.INVAL, 'the nkey file does not hold an nkey user seed (SU…)');
  }
  if (!seed.startsWith('SU'))
    throw new VmsigError(ErrorCode.INVAL, 'the nkey file holds a seed, but not a user seed (SU…)');
  return { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) };
}

/**
 * Opens a session on `host`; rejects VmsigError (IO: no such host on the bus; AUTH: the
 * nats-server refused the credentials, or the host has no control for this user).
 */
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
      ...natsAuth(user, pass, opts.nkeySeed),
      name: `vmsig-client-${user}`,
      // Replies come to this user's own inbox, which no other user may subscribe to.
      inboxPrefix: `_INBOX_${user}`,
      reconnect: false,
      pingInterval: 1000,
      maxPingOut: 2,
    });
  } catch (e) {
    if (e instanceof errors.AuthorizationError)
      throw new VmsigError(
        ErrorCode.AUTH,
        `${server} refused NATS user ${user}: ${e.message} (wrong ${opts.nkeySeed === undefined ? 'password' : 'nkey'}, or no such user in its configuration)`,
      );
    throw new VmsigError(ErrorCode.IO, `cannot connect to ${server}: ${(e as Error).message}`);
  }
  // The client's protocol code learns why its session ended as from any server: an ERROR
  // frame (a no-op once the stream has ended, e.g. when the client closed it itself).
  const endWith = (stream: SubjectStream, msg: string): void => {
    stream.deliver(encodeFrame(FrameType.ERROR, encodeError({ code: ErrorCode.IO, msg })));
    setImmediate(() => stream.destroy());
  };
  const stream = await openSessionOn(nc, {
    user,
    host: opts.host,
    openTimeoutMs: opts.openTimeoutMs,
    // This session owns its connection: it goes with the session.
    onEnd: () => void nc.drain().catch(() => nc.close()),
    onLost: (s, cause) =>
      endWith(
        s,
        cause === 'closed'
          ? `lost the NATS server ${server}: host ${opts.host} is out of reach`
          : cause === 'ended'
            ? `host ${opts.host} ended this session (it lost the NATS bus meanwhile)`
            : `host ${opts.host} is unreachable: it left the NATS bus`,
      ),
  });
  return WireClient.over(stream);
}
