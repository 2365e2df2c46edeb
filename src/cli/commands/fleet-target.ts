/*
 * Which fleet host a protocol command talks to over NATS (docs/fleet.md): `--nats URL
 * --host NAME` or $VMSIG_NATS / $VMSIG_NATS_HOST, and the NATS user's credentials from
 * --nats-user / $VMSIG_NATS_USER and --nats-password-file / $VMSIG_NATS_PASSWORD (a
 * password on the command line would be readable by every user, so there is no option for it).
 */
import fs from 'node:fs';
import type { FleetSessionOptions } from '../../main/fleet/client-session';
import { type ParsedArgs, UsageError, opt } from '../command';

export type { FleetSessionOptions };

/** The fleet target, or null when the command goes to a Unix socket. */
export function natsTarget(p: ParsedArgs): FleetSessionOptions | null {
  const url = opt(p, 'nats') ?? (process.env.VMSIG_NATS || undefined);
  const host = opt(p, 'host') ?? (process.env.VMSIG_NATS_HOST || undefined);
  if (url === undefined) {
    if (opt(p, 'host') !== undefined) throw new UsageError('--host needs --nats URL');
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
  const file = opt(p, 'nats-password-file');
  if (file !== undefined) {
    try {
      out.pass = fs.readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(
        `cannot read --nats-password-file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
  } else if (process.env.VMSIG_NATS_PASSWORD) out.pass = process.env.VMSIG_NATS_PASSWORD;
  return out;
}
