/*
 * A client's session with one host over an already open NATS connection (docs/fleet.md
 * §4): ask the host to open it (request/reply: a host not on the bus is an immediate
 * error), then a byte stream over the session's subjects with a heartbeat every 500 ms.
 * The one home of that logic: the console shares one connection among all of its sessions;
 * the CLI's session (client-session.ts) owns its connection and, through `onLost`, says
 * why it ended with an ERROR frame.
 */
import crypto from 'node:crypto';
import { type NatsConnection, errors } from '@nats-io/transport-node';
import { ErrorCode, VmsigError } from '../../shared/model';
import { SubjectStream } from './subject-stream';
import { sessionSubject } from './subjects';

const HEARTBEAT_MS = 500;

/**
 * A host's answer to a heartbeat of a session it does not hold (it ended the session while
 * the bus was gone, and its `fin` was lost): the client ends its side instead of talking on.
 */
export const SESSION_GONE = new TextEncoder().encode('{"gone":true}');

/** Whether a heartbeat's answer says the session is gone (never throws: it comes from the bus). */
export function isSessionGone(data: Uint8Array): boolean {
  return data.length === SESSION_GONE.length && data.every((b, i) => b === SESSION_GONE[i]);
}

/** What to open. `body` is the `open` request: empty for a protocol session, `{"display":N}` for a screen. */
export interface SessionLinkOptions {
  user: string;
  host: string;
  body?: Uint8Array;
  openTimeoutMs?: number;
  /** Called once when the stream ends (after `fin` was sent). */
  onEnd?: () => void;
  /**
   * How the session ends when the bus takes it away: the connection closed, the host left
   * the bus (its heartbeat had no responders), or the host no longer holds the session (it
   * ended it while the bus was gone). By default the stream just ends.
   */
  onLost?: (stream: SubjectStream, cause: LostCause) => void;
}

/** Why the bus took a session away (see `onLost`). */
export type LostCause = 'closed' | 'host-gone' | 'ended';

/** Opens a session; rejects VmsigError (IO: no such host on the bus; AUTH, NOENT…: the host's refusal). */
export async function openSessionOn(nc: NatsConnection, o: SessionLinkOptions): Promise<SubjectStream> {
  const sid = crypto.randomBytes(8).toString('hex');
  const subject = (verb: 'open' | 'in' | 'out' | 'hb' | 'fin'): string =>
    sessionSubject(o.host, o.user, sid, verb);
  let hb: NodeJS.Timeout | null = null;
  const subs = [
    nc.subscribe(subject('out'), { callback: (_e, m) => stream.deliver(m.data) }),
    nc.subscribe(subject('fin'), { callback: () => void stream.destroy() }),
  ];
  const stream: SubjectStream = new SubjectStream(
    (data) => nc.publish(subject('in'), data),
    () => {
      if (hb) clearInterval(hb);
      try {
        nc.publish(subject('fin'));
        for (const s of subs) s.unsubscribe();
      } catch {
        // the connection is closed already
      }
      o.onEnd?.();
    },
  );
  const lost = (cause: LostCause): void => {
    if (o.onLost) o.onLost(stream, cause);
    else stream.destroy();
  };
  void nc.closed().then(() => lost('closed'));
  try {
    const r = await nc.request(subject('open'), o.body ?? new Uint8Array(0), {
      timeout: o.openTimeoutMs ?? 3000,
    });
    const ans = JSON.parse(new TextDecoder().decode(r.data)) as { ok: boolean; error?: string; msg?: string };
    if (!ans.ok) {
      const code = ErrorCode[(ans.error ?? 'PERM') as keyof typeof ErrorCode] ?? ErrorCode.PERM;
      throw new VmsigError(code, `host ${o.host}: ${ans.msg ?? ans.error ?? 'refused'}`);
    }
  } catch (e) {
    stream.destroy();
    if (e instanceof VmsigError) throw e;
    if (e instanceof errors.RequestError && e.isNoResponders())
      throw new VmsigError(
        ErrorCode.IO,
        `host ${o.host} is unreachable: not on the NATS bus (no responders)`,
      );
    throw new VmsigError(ErrorCode.IO, `host ${o.host} did not open a session: ${(e as Error).message}`);
  }
  hb = setInterval(() => {
    // A request, not a publish: the host does not answer heartbeats, but a host gone from the
    // bus (killed, cut off) makes the server say "no responders" at once, so the session ends
    // within a heartbeat instead of waiting forever on a silent `out`. A timeout is a live host.
    nc.request(subject('hb'), new Uint8Array(0), { timeout: HEARTBEAT_MS }).then(
      (m) => {
        if (isSessionGone(m.data)) lost('ended');
      },
      (e: unknown) => {
        if (e instanceof errors.RequestError && e.isNoResponders()) lost('host-gone');
        else if (!(e instanceof errors.TimeoutError)) stream.destroy();
      },
    );
  }, HEARTBEAT_MS);
  hb.unref();
  return stream;
}
