/*
 * Reads and validates the configuration file (config.md): its owner and mode (it says
 * which programs the host runs and holds tokens), JSON syntax, every field, token files
 * readable only by the user. It reads files; it never writes or starts anything.
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
import { parseNats } from './parse-nats';
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

/**
 * Who may have written the configuration: it must be a regular file owned by you (or
 * root) that neither group nor others can write — whoever can write it chooses the QEMU
 * arguments (`extraArgs`) and kernels this host runs, and the tokens it accepts. Throws
 * ConfigError. Returns the file's mode for the readability check of inline tokens.
 */
export function checkConfigFile(file: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new ConfigError(
      '',
      `cannot read configuration ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  if (!st.isFile()) throw new ConfigError('', `${file} is not a regular file`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid && st.uid !== 0)
    throw new ConfigError('', `${file} is owned by uid ${st.uid}, not by you (uid ${uid}) or root`);
  if ((st.mode & 0o022) !== 0) {
    throw new ConfigError(
      '',
      `${file} is writable by group or others (mode ${modeText(st.mode)}): whoever can write it chooses what this host runs; run chmod go-w ${file}`,
    );
  }
  return st.mode;
}

function modeText(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/** Validates a parsed JSON document; `file` locates relative paths and is reported as `path`. */
export function parseConfig(
  doc: unknown,
  file: string | null,
  reader: TokenFileReader = readTokenFile,
): VmsigConfig {
  if (!isObject(doc)) throw new ConfigError('', 'the configuration must be a JSON object');
  checkKeys(doc, ['socket', 'vms', 'controls', 'journal', 'imageDirs', 'nats'], '');
  const baseDir = file ? path.dirname(path.resolve(file)) : process.cwd();
  const socket =
    doc.socket === undefined
      ? defaultSocketPath()
      : path.resolve(baseDir, requireString(doc.socket, 'socket'));
  const controls = parseControls(doc.controls, baseDir, reader);
  const nats = parseNats(doc.nats, baseDir, controls, reader);
  return {
    path: file,
    socket,
    vms: parseVms(doc.vms, baseDir),
    controls,
    journal: parseJournal(doc.journal, baseDir),
    imageDirs: parseImageDirs(doc.imageDirs, baseDir),
    ...(nats ? { nats } : {}),
  };
}

/**
 * Reads, parses and validates `file` (owner and mode first, see checkConfigFile). Throws
 * ConfigError (INVAL) naming the file and the field. Inline tokens in a file group or
 * others can read are accepted with a warning in `warnings` (every shell prints it): the
 * file still works, and the fix (chmod 600, or tokenFile) is named.
 */
export function loadConfig(file: string): VmsigConfig {
  const mode = checkConfigFile(file);
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
    const config = parseConfig(doc, file);
    const inline = config.controls.filter((c) => c.tokenSource === 'inline').map((c) => c.spec.name);
    if (inline.length && (mode & 0o044) !== 0) {
      config.warnings = [
        `${file} holds inline tokens (${inline.join(', ')}) and is readable by group or others (mode ${modeText(mode)}): anyone who can read it can act as those controls; run chmod 600 ${file}, or move the tokens to tokenFile`,
      ];
    }
    return config;
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.field, e.detail, file);
    throw e;
  }
}
