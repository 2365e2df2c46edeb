/*
 * Validation of `controls[]` (config.md): principal, exactly one of token/tokenFile,
 * capability names of protocol §6, endpoint list or "all", leasePrio, at most one console
 * control, no two controls with the same token. Token files are read through the injected
 * reader, which enforces their permissions.
 */
import path from 'node:path';
import { ALL_ENDPOINTS, type EndpointMask, maskOf } from '../../core';
import { Cap, type CapName, ENDPOINT_MAX } from '../../../shared/model';
import { ConfigError } from './config-error';
import type { ControlConfig } from './config-types';
import { checkKeys, isObject, requireString, str } from './json-checks';

const CONTROL_KEYS = ['name', 'principal', 'token', 'tokenFile', 'caps', 'endpoints', 'leasePrio', 'console'];
const U32_MAX = 0xffff_ffff;

/** Reads a token file (absolute path); throws ConfigError at `field` when unusable. */
export type TokenFileReader = (file: string, field: string) => string;

function parseCaps(v: unknown, at: string): number {
  if (!Array.isArray(v))
    throw new ConfigError(at, `must be an array of capability names (${Object.keys(Cap).join(', ')})`);
  let caps = 0;
  v.forEach((name, i) => {
    if (typeof name !== 'string' || !Object.hasOwn(Cap, name)) {
      throw new ConfigError(
        `${at}[${i}]`,
        `unknown capability ${str(name)} (known: ${Object.keys(Cap).join(', ')})`,
      );
    }
    caps |= Cap[name as CapName];
  });
  return caps;
}

function parseEndpoints(v: unknown, at: string): EndpointMask {
  if (v === 'all') return ALL_ENDPOINTS;
  if (!Array.isArray(v))
    throw new ConfigError(at, `must be "all" or an array of endpoint ids 1..${ENDPOINT_MAX}, got ${str(v)}`);
  v.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 1 || id > ENDPOINT_MAX)
      throw new ConfigError(`${at}[${i}]`, `must be an endpoint id 1..${ENDPOINT_MAX}, got ${str(id)}`);
  });
  return maskOf(v as number[]);
}

function uint(v: unknown, at: string, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > U32_MAX)
    throw new ConfigError(at, `must be an integer ${min}..${U32_MAX}, got ${str(v)}`);
  return v as number;
}

/** Validates `controls`; relative token files resolve against `baseDir`. */
export function parseControls(v: unknown, baseDir: string, readTokenFile: TokenFileReader): ControlConfig[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError('controls', 'must be an array');
  const tokens = new Map<string, number>();
  let consoleAt = -1;
  return v.map((raw, i): ControlConfig => {
    const at = `controls[${i}]`;
    if (!isObject(raw)) throw new ConfigError(at, 'must be an object');
    checkKeys(raw, CONTROL_KEYS, at);
    const name = requireString(raw.name, `${at}.name`);
    const principal = uint(raw.principal, `${at}.principal`, 1);
    if ((raw.token === undefined) === (raw.tokenFile === undefined))
      throw new ConfigError(at, 'needs exactly one of "token" or "tokenFile"');
    let token: string;
    let tokenSource = 'inline';
    if (raw.token !== undefined) token = requireString(raw.token, `${at}.token`);
    else {
      tokenSource = path.resolve(baseDir, requireString(raw.tokenFile, `${at}.tokenFile`));
      token = readTokenFile(tokenSource, `${at}.tokenFile`);
    }
    if (tokens.has(token))
      throw new ConfigError(
        `${at}.token`,
        `is the same token as controls[${tokens.get(token)}] (each token must select one control)`,
      );
    tokens.set(token, i);
    if (raw.caps === undefined) throw new ConfigError(`${at}.caps`, 'is required');
    const caps = parseCaps(raw.caps, `${at}.caps`);
    if (raw.endpoints === undefined)
      throw new ConfigError(`${at}.endpoints`, 'is required ("all" or a list of ids)');
    const grant = parseEndpoints(raw.endpoints, `${at}.endpoints`);
    const leasePrio = raw.leasePrio === undefined ? 0 : uint(raw.leasePrio, `${at}.leasePrio`, 0);
    if (raw.console !== undefined && typeof raw.console !== 'boolean')
      throw new ConfigError(`${at}.console`, `must be true or false, got ${str(raw.console)}`);
    const isConsole = raw.console === true;
    if (isConsole) {
      if (consoleAt >= 0)
        throw new ConfigError(
          `${at}.console`,
          `only one control may be the console; controls[${consoleAt}] already is`,
        );
      consoleAt = i;
    }
    return { spec: { name, principal, caps, grant, leasePrio }, token, tokenSource, console: isConsole };
  });
}
