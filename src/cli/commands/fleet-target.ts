/*
 * Which fleet host a protocol command talks to over NATS (docs/fleet.md): `--nats URL
 * --host NAME` or $VMSIG_NATS / $VMSIG_NATS_HOST, the NATS user from --nats-user /
 * $VMSIG_NATS_USER, and its secret: a password (--nats-password-file / $VMSIG_NATS_PASSWORD)
 * or an nkey seed (--nats-nkey FILE / $VMSIG_NATS_NKEY naming the file). Secrets come only
 * from private files or the environment: a command line is readable by every user.
 */
import type { FleetSessionOptions } from '../../main/fleet/client-session';
import { readTokenFile } from '../../main/host/config';
import { type ParsedArgs, UsageError, opt } from '../command';

export type { FleetSessionOptions };

/** The fleet target, or null when the command goes to a Unix socket. */
export function natsTarget(p: ParsedArgs): FleetSessionOptions | null {
  const url = opt(p, 'nats') ?? (process.env.VMSIG_NATS || undefined);
  const host = opt(p, 'host') ?? (process.env.VMSIG_NATS_HOST || undefined);
  if (url === undefined) {
    if (opt(p, 'host') !== undefined) throw new UsageError('--host needs --nats URL');
    for (const o of ['nats-user', 'nats-password-file', 'nats-nkey'])
      if (p.options.has(o)) throw new UsageError(`--${o} needs --nats URL`);
    return null;
  }
  if (host === undefined) throw new UsageError('--nats needs --host NAME (the fleet name of the host)');
  if (p.options.has('socket') || p.options.has('token') || p.options.has('token-file'))
    throw new UsageError(
      '--nats excludes --socket, --token and --token-file (the NATS user is the identity)',
    );
  const out: FleetSessionOptions = { url, host };
  const user = opt(p, 'nats-user') ?? (process.env.VMSIG_NATS_USER || undefined);
  if (user !== undefined) out.user = user;
  const passFile = opt(p, 'nats-password-file');
  const nkeyFile =
    opt(p, 'nats-nkey') ?? (passFile === undefined ? process.env.VMSIG_NATS_NKEY || undefined : undefined);
  if (passFile !== undefined && nkeyFile !== undefined)
    throw new UsageError('--nats-password-file and --nats-nkey exclude each other (one secret per user)');
  // Checked as the host checks token files: yours, not readable by group or others, not empty.
  if (nkeyFile !== undefined) out.nkeySeed = readTokenFile(nkeyFile, '--nats-nkey');
  else if (passFile !== undefined) out.pass = readTokenFile(passFile, '--nats-password-file');
  else if (process.env.VMSIG_NATS_PASSWORD) out.pass = process.env.VMSIG_NATS_PASSWORD;
  return out;
}
