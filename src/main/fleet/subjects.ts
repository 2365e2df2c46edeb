/*
 * The fleet's subject names (docs/fleet.md §2) and their parsing. Every name placed in a
 * subject is checked to be one token (no dots, no wildcards), so a host, user or session
 * name can never widen or redirect a subject.
 */
import { Kind, nameOf } from '../../shared/model';

/** One subject token: host, NATS user or session id. */
export const TOKEN = /^[A-Za-z0-9_-]{1,32}$/;

/** What travels on a session subject. */
export type SessionVerb = 'open' | 'in' | 'out' | 'hb' | 'fin';
const VERBS: readonly SessionVerb[] = ['open', 'in', 'out', 'hb', 'fin'];

function token(s: string, what: string): string {
  if (!TOKEN.test(s)) throw new Error(`${what} "${s}" is not a subject token (${TOKEN.source})`);
  return s;
}

/** `vmsig.HOST.s.USER.SID.VERB`. */
export function sessionSubject(host: string, user: string, sid: string, verb: SessionVerb): string {
  return `vmsig.${token(host, 'host')}.s.${token(user, 'user')}.${token(sid, 'session')}.${verb}`;
}

/** What the host subscribes to for the client → host direction of verb `verb`. */
export function hostInbound(host: string, verb: SessionVerb): string {
  return `vmsig.${token(host, 'host')}.s.*.*.${verb}`;
}

/** A parsed session subject, or null for anything else (never throws: subjects come from the bus). */
export function parseSessionSubject(
  subject: string,
): { host: string; user: string; sid: string; verb: SessionVerb } | null {
  const p = subject.split('.');
  if (p.length !== 6 || p[0] !== 'vmsig' || p[2] !== 's') return null;
  const [, host, , user, sid, verb] = p as [string, string, string, string, string, string];
  if (!TOKEN.test(host) || !TOKEN.test(user) || !TOKEN.test(sid)) return null;
  if (!VERBS.includes(verb as SessionVerb)) return null;
  return { host, user, sid, verb: verb as SessionVerb };
}

/** `vmsig.HOST.evt.VM.KIND`: the fleet-wide event feed. */
export function eventSubject(host: string, endpoint: number, kind: number): string {
  return `vmsig.${token(host, 'host')}.evt.${endpoint}.${nameOf(Kind, kind)}`;
}

/** `vmsig.HOST.up`: the host's presence, once a second. */
export function presenceSubject(host: string): string {
  return `vmsig.${token(host, 'host')}.up`;
}

/** `vmsig.HOST.state`: a request for the host's current state (replay, leases), answered to the asker only. */
export function stateSubject(host: string): string {
  return `vmsig.${token(host, 'host')}.state`;
}

/** What a console subscribes to: every host's presence and every host's feed. */
export const ALL_PRESENCE = 'vmsig.*.up';
export const ALL_EVENTS = 'vmsig.*.evt.>';

/** The host of a presence or feed subject, or null (never throws: subjects come from the bus). */
export function parseFleetSubject(subject: string): { host: string; kind: 'up' | 'evt' } | null {
  const p = subject.split('.');
  if (p[0] !== 'vmsig' || !p[1] || !TOKEN.test(p[1])) return null;
  if (p.length === 3 && p[2] === 'up') return { host: p[1], kind: 'up' };
  if (p.length === 5 && p[2] === 'evt') return { host: p[1], kind: 'evt' };
  return null;
}
