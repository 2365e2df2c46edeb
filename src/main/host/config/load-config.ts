/*
 * Reads and validates the configuration file (config.md): JSON syntax, every field, token
 * files readable only by the user. It reads files; it never writes or starts anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultSocketPath } from '../../wire';
import { ConfigError } from './config-error';
import type { VmsigConfig } from './config-types';
import { checkKeys, isObject, requireString } from './json-checks';
import { parseControls, type TokenFileReader } from './parse-controls';
import { parseJournal } from './parse-journal';
import { parseImageDirs, parseVms } from './parse-vms';

/** `$XDG_CONFIG_HOME/vmsig/config.json` (or `~/.config/vmsig/config.json`). */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'vmsig', 'config.json');
}

/**
 * Reads a token file: it must be a regular file owned by the user with no group/other
 * permission bits, and hold a non-empty token (surrounding whitespace is trimmed).
 */
export const readTokenFile: TokenFileReader = (file, field) => {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new ConfigError(field, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!st.isFile()) throw new ConfigError(field, `${file} is not a regular file`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new ConfigError(field, `${file} is owned by uid ${st.uid}, not by you (uid ${uid})`);
  if ((st.mode & 0o077) !== 0) {
    throw new ConfigError(
      field,
      `${file} is accessible by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); run chmod 600 ${file}`,
    );
  }
  const token = fs.readFileSync(file, 'utf8').trim();
  if (token === '') throw new ConfigError(field, `${file} is empty`);
  return token;
};

/** Validates a parsed JSON document; `file` locates relative paths and is reported as `path`. */
export function parseConfig(
  doc: unknown,
  file: string | null,
  reader: TokenFileReader = readTokenFile,
): VmsigConfig {
  if (!isObject(doc)) throw new ConfigError('', 'the configuration must be a JSON object');
  checkKeys(doc, ['socket', 'vms', 'controls', 'journal', 'imageDirs'], '');
  const baseDir = file ? path.dirname(path.resolve(file)) : process.cwd();
  const socket =
    doc.socket === undefined
      ? defaultSocketPath()
      : path.resolve(baseDir, requireString(doc.socket, 'socket'));
  return {
    path: file,
    socket,
    vms: parseVms(doc.vms, baseDir),
    controls: parseControls(doc.controls, baseDir, reader),
    journal: parseJournal(doc.journal, baseDir),
    imageDirs: parseImageDirs(doc.imageDirs, baseDir),
  };
}

/** Reads, parses and validates `file`. Throws ConfigError (INVAL) naming the file and the field. */
export function loadConfig(file: string): VmsigConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      '',
      `cannot read configuration ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parseConfig(doc, file);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.field, e.detail, file);
    throw e;
  }
}
