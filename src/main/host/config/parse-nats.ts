/*
 * Validation of the optional `nats` object (docs/fleet.md): where the NATS server is, this
 * host's fleet name, the host's own NATS credentials (never an anonymous connection), and
 * which NATS users act as which configured control. Reads only the password/seed file.
 */
import path from 'node:path';
import { ConfigError } from './config-error';
import type { ControlConfig, NatsConfig } from './config-types';
import { checkKeys, isObject, requireString, str } from './json-checks';
import type { TokenFileReader } from './parse-controls';

const NATS_KEYS = ['url', 'host', 'user', 'passwordFile', 'nkeySeedFile', 'users', 'console'];
/** A subject token: no dots, wildcards or spaces, so a name can never widen a subject. */
export const FLEET_NAME = /^[A-Za-z0-9_-]{1,32}$/;

function fleetName(v: unknown, at: string): string {
  const s = requireString(v, at);
  if (!FLEET_NAME.test(s)) throw new ConfigError(at, `must match ${FLEET_NAME.source}, got ${str(v)}`);
  return s;
}

/** Exactly one of passwordFile / nkeySeedFile of object `v` at `at`, read. */
function secret(
  v: Record<string, unknown>,
  at: string,
  baseDir: string,
  reader: TokenFileReader,
): { password?: string; nkeySeed?: string } {
  if ((v.passwordFile === undefined) === (v.nkeySeedFile === undefined))
    throw new ConfigError(
      at,
      'needs exactly one of passwordFile and nkeySeedFile (the fleet never connects anonymously)',
    );
  if (v.passwordFile !== undefined) {
    const file = path.resolve(baseDir, requireString(v.passwordFile, `${at}.passwordFile`));
    return { password: reader(file, `${at}.passwordFile`) };
  }
  const file = path.resolve(baseDir, requireString(v.nkeySeedFile, `${at}.nkeySeedFile`));
  return { nkeySeed: reader(file, `${at}.nkeySeedFile`) };
}

/** Parses `nats` (absent → no bridge); `controls` are the parsed controls the users map to. */
export function parseNats(
  v: unknown,
  baseDir: string,
  controls: readonly ControlConfig[],
  reader: TokenFileReader,
): NatsConfig | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new ConfigError('nats', 'must be an object');
  checkKeys(v, NATS_KEYS, 'nats');
  const url = requireString(v.url, 'nats.url');
  if (!/^(nats|tls):\/\/[^/@\s]+$/.test(url))
    throw new ConfigError(
      'nats.url',
      `must be nats://HOST:PORT or tls://HOST:PORT without credentials, got ${str(url)}`,
    );
  const out: NatsConfig = {
    url,
    host: fleetName(v.host, 'nats.host'),
    user: fleetName(v.user, 'nats.user'),
    users: new Map(),
  };
  Object.assign(out, secret(v, 'nats', baseDir, reader));
  if (v.console !== undefined) {
    if (!isObject(v.console)) throw new ConfigError('nats.console', 'must be an object');
    checkKeys(v.console, ['user', 'passwordFile', 'nkeySeedFile'], 'nats.console');
    const user = fleetName(v.console.user, 'nats.console.user');
    if (user === out.user)
      throw new ConfigError('nats.console.user', "the console needs a NATS user of its own, not the host's");
    out.console = { user, ...secret(v.console, 'nats.console', baseDir, reader) };
  }
  if (!isObject(v.users))
    throw new ConfigError('nats.users', 'must be an object of NATS user → control name');
  for (const [user, name] of Object.entries(v.users)) {
    const at = `nats.users.${user}`;
    if (!FLEET_NAME.test(user)) throw new ConfigError(at, `a NATS user name must match ${FLEET_NAME.source}`);
    if (user === out.user) throw new ConfigError(at, "the host's own NATS user cannot act as a control");
    const control = controls.find((c) => c.spec.name === requireString(name, at));
    if (!control) throw new ConfigError(at, `no control named ${str(name)} in controls`);
    out.users.set(user, control.spec);
  }
  return out;
}
