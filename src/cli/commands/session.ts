/*
 * What every protocol subcommand shares: where the socket is, which token to present,
 * connecting with HELLO, the `--vm` option, and turning replies into printed refusals and
 * exit statuses. It never retries a refused command and never hides an error name, and it
 * never sends the default configuration's console token to a socket other than that
 * configuration's own, nor to one in a directory someone else could have put it in.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ErrorCode,
  Kind,
  VmsigError,
  LeaseClass,
  LeaseDeny,
  type VmsigEvent,
  decodeActAck,
  decodeLeaseReq,
  decodeLeaseStatus,
  encodeLeaseReq,
  nameOf,
} from '../../shared/model';
import { defaultConfigPath, loadConfig } from '../../main/host/config';
import { privateDirProblem } from '../../main/platform';
import { WireClient, defaultSocketPath } from '../../main/wire';
import { type FleetSessionOptions, natsTarget } from './fleet-target';
import { type CliIo, type ParsedArgs, UsageError, intArg, opt } from '../command';

/** Options every protocol subcommand accepts (valued). */
export const CONNECT_OPTIONS = [
  'socket',
  'token',
  'token-file',
  'nats',
  'host',
  'nats-user',
  'nats-password-file',
  'nats-nkey',
] as const;

/** Usage text of the connection options. */
export const CONNECT_USAGE =
  '[--socket PATH] [--token-file F | --token T (shown in ps)] |\n  [--nats URL --host NAME --nats-user U [--nats-password-file F | --nats-nkey SEEDFILE]] (docs/fleet.md)';

/** What the default configuration offers as defaults, or why it offers nothing. */
function consoleFromDefaultConfig(): { file: string; socket?: string; token?: string; problem?: string } {
  const file = defaultConfigPath();
  if (!fs.existsSync(file)) return { file, problem: `${file} does not exist` };
  try {
    const cfg = loadConfig(file);
    const token = cfg.controls.find((c) => c.console)?.token;
    return token
      ? { file, socket: cfg.socket, token }
      : { file, socket: cfg.socket, problem: `${file} has no console control` };
  } catch (e) {
    // An unusable default config only takes the defaults away; explicit options still work.
    return { file, problem: (e as Error).message };
  }
}

/** Where a connection's token came from: the user's own choice, or the default config's console control. */
export type TokenOrigin = 'option' | 'file' | 'env' | 'default-config';

/**
 * Why `socket` must not get the console token, or null: it has to be a socket owned by
 * you in a directory only you can change (so nobody swapped it between this check and
 * connect). A missing socket is not refused here: connecting fails and sends nothing.
 */
function defaultSocketProblem(socket: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(socket);
  } catch {
    return null;
  }
  if (!st.isSocket()) return 'it is not a socket';
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `it is owned by uid ${st.uid}, not by you (uid ${uid})`;
  const dirWhy = privateDirProblem(fs.lstatSync(path.dirname(socket)));
  return dirWhy ? `its directory ${path.dirname(socket)}: ${dirWhy}` : null;
}

/**
 * Socket: --socket, $VMSIG_SOCKET, the default config's `socket`, or protocol §1's default.
 * Token: --token, --token-file, $VMSIG_TOKEN, or the console control's token of the default
 * config — that last one only for the default config's own socket, checked to be yours
 * (owner, private directory). Throws UsageError when no token is found or the default token
 * would go to another socket, VmsigError PERM when the default socket is not safely yours.
 */
export function resolveConnection(p: ParsedArgs): { socket: string; token: string; origin: TokenOrigin } {
  const fallback = consoleFromDefaultConfig();
  const socket = opt(p, 'socket') ?? (process.env.VMSIG_SOCKET || fallback.socket) ?? defaultSocketPath();
  const file = opt(p, 'token-file');
  let token = opt(p, 'token');
  let origin: TokenOrigin = 'option';
  if (token === undefined && file !== undefined) {
    origin = 'file';
    try {
      token = fs.readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(
        `cannot read --token-file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
  }
  if (token === undefined && process.env.VMSIG_TOKEN) {
    token = process.env.VMSIG_TOKEN;
    origin = 'env';
  }
  if (token === undefined && fallback.token) {
    // The console token opens everything the console may do: it goes to its own server only.
    if (!fallback.socket || path.resolve(socket) !== path.resolve(fallback.socket)) {
      throw new UsageError(
        `not sending the console token of ${fallback.file} to ${socket}: that configuration's socket is ${fallback.socket}; for another server pass --token-file F or set VMSIG_TOKEN`,
      );
    }
    const why = defaultSocketProblem(socket);
    if (why) throw new VmsigError(ErrorCode.PERM, `not sending the console token to ${socket}: ${why}`);
    token = fallback.token;
    origin = 'default-config';
  }
  if (!token) {
    throw new UsageError(`no token: pass --token-file or set VMSIG_TOKEN (no default: ${fallback.problem})`);
  }
  return { socket, token, origin };
}

/** The warning `--token` earns: every user of the machine can read a command line. */
export const TOKEN_OPTION_WARNING =
  'vmsig: warning: --token shows the token to every user of this machine (ps, /proc/PID/cmdline); use --token-file F or VMSIG_TOKEN';

/** Connects and says HELLO as `vmsig <name>`; rejects VmsigError (IO, AUTH, BAD_VERSION ...). */
export async function openSession(p: ParsedArgs, name: string): Promise<WireClient> {
  const nats = natsTarget(p);
  if (nats) {
    // Over the fleet the identity is the NATS user the nats-server authenticated; HELLO's token is not used.
    const client = await openFleetSession(nats);
    try {
      await client.hello('', `vmsig ${name}`);
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }
  const { socket, token, origin } = resolveConnection(p);
  if (origin === 'option') process.stderr.write(`${TOKEN_OPTION_WARNING}\n`);
  const client = await WireClient.connect(socket);
  try {
    await client.hello(token, `vmsig ${name}`);
  } catch (e) {
    await client.close();
    throw e;
  }
  return client;
}

/** Loads the NATS client only for a fleet session, so socket commands start without it. */
async function openFleetSession(o: FleetSessionOptions): Promise<WireClient> {
  return (await import('../../main/fleet/client-session')).openFleetSession(o);
}

/** The required `--vm N` (1..63). */
export function vmOption(p: ParsedArgs): number {
  return intArg(opt(p, 'vm'), '--vm', 1, 63);
}

/** Prints a refused reply with its error name; returns the exit status (0 only for an acknowledged command). */
export function checkAck(io: CliIo, what: string, ev: VmsigEvent): number {
  if (ev.kind === Kind.ACT_ACK) {
    const a = decodeActAck(ev.inln);
    if (a.ok === 1) return 0;
    io.err(`${what}: refused: ${nameOf(ErrorCode, a.err)}${a.detail ? ` (detail ${a.detail})` : ''}`);
    return 1;
  }
  io.err(`${what}: unexpected reply ${nameOf(Kind, ev.kind)}`);
  return 1;
}

/** Asks who holds `cls` on `vm`; resolves with the owner principal, or 0 when free. */
export async function leaseOwner(client: WireClient, vm: number, cls: number): Promise<number> {
  const r = await client.request({ kind: Kind.CMD_LEASE_STATUS, endpoint: vm, inln: encodeLease(cls) });
  return r.kind === Kind.LEASE_STATUS ? decodeLeaseStatus(r.inln).ownerPrincipal : 0;
}

/** Inline zone of a lease request. */
export function encodeLease(cls: number): Uint8Array {
  return encodeLeaseReq({ cls, reason: 0 });
}

/**
 * Acquires `cls` on `vm`. On refusal prints the reason (and, when held, the holder's
 * principal) and resolves false.
 */
export async function acquireLease(client: WireClient, io: CliIo, vm: number, cls: number): Promise<boolean> {
  const r = await client.request({ kind: Kind.CMD_ACQUIRE, endpoint: vm, inln: encodeLease(cls) });
  const clsName = nameOf(LeaseClass, cls);
  if (r.kind === Kind.LEASE_GRANTED) return true;
  if (r.kind === Kind.LEASE_DENIED) {
    const reason = decodeLeaseReq(r.inln).reason;
    let holder = '';
    if (reason === LeaseDeny.HELD || reason === LeaseDeny.LOWER_PRIO) {
      const owner = await leaseOwner(client, vm, cls);
      if (owner) holder = `; held by principal ${owner}`;
    }
    io.err(`${clsName} lease on VM ${vm}: denied: ${nameOf(LeaseDeny, reason)}${holder}`);
    return false;
  }
  checkAck(io, `${clsName} lease on VM ${vm}`, r);
  return false;
}

/** Releases `cls` on `vm`; resolves true when the core confirmed. */
export async function releaseLease(client: WireClient, io: CliIo, vm: number, cls: number): Promise<boolean> {
  const r = await client.request({ kind: Kind.CMD_RELEASE, endpoint: vm, inln: encodeLease(cls) });
  if (r.kind === Kind.LEASE_RELEASED) return true;
  checkAck(io, `release ${nameOf(LeaseClass, cls)} on VM ${vm}`, r);
  return false;
}

/** Runs `body` holding lease `cls` on `vm` for its duration; exit status 1 when the lease is refused. */
export async function withLease(
  client: WireClient,
  io: CliIo,
  vm: number,
  cls: number,
  body: () => Promise<number>,
): Promise<number> {
  if (!(await acquireLease(client, io, vm, cls))) return 1;
  try {
    return await body();
  } finally {
    await releaseLease(client, io, vm, cls).catch(() => false); // closing the connection frees it anyway
  }
}

/** Parses a lease class name (INPUT, POWER, MEMWRITE; any case). */
export function leaseClassArg(v: string | undefined): number {
  const name = (v ?? '').toUpperCase();
  if (!Object.hasOwn(LeaseClass, name))
    throw new UsageError(
      `lease class must be one of ${Object.keys(LeaseClass).join(', ')}, got "${v ?? ''}"`,
    );
  return LeaseClass[name as keyof typeof LeaseClass];
}
