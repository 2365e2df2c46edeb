/*
 * Rewrites the `vms` of the configuration file for the host's create/edit/delete
 * operations: read the file as it is now, change one entry, check the whole result with the
 * same parser that loads it, then replace the file atomically (temporary file in the same
 * directory, fsync, rename) keeping its mode. A change the parser refuses is never written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error';
import type { VmsigConfig } from './config-types';
import { isObject } from './json-checks';
import { parseConfig } from './load-config';

/** One `vms[]` entry as it is written to the file. */
export type VmEntry = Record<string, unknown> & { id: number; name: string };

/** A change to the file's `vms`: receives the current entries, returns the new ones. */
export type VmsEdit = (vms: VmEntry[]) => VmEntry[];

function readDoc(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('', `cannot rewrite ${file}: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw new ConfigError('', `cannot rewrite ${file}: not a JSON object`);
  return doc;
}

/**
 * Applies `edit` to `file`'s `vms` and writes it back atomically. Throws ConfigError (INVAL)
 * when the result does not validate (the file is left as it was) or the file cannot be read;
 * returns the configuration as the host would now load it.
 */
export function editConfigVms(file: string, edit: VmsEdit): VmsigConfig {
  const doc = readDoc(file);
  const vms = Array.isArray(doc.vms) ? (doc.vms as VmEntry[]) : [];
  const next = { ...doc, vms: edit(vms.map((v) => ({ ...v }))) };
  // Token files are read again here, as on load: a file that no longer validates is not written.
  const parsed = parseConfig(next, file);
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const mode = fs.statSync(file).mode & 0o777;
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    fs.writeSync(fd, `${JSON.stringify(next, null, 2)}\n`);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return parsed;
}

/** Whether `file` lists a VM with id `id`. */
export function fileListsVm(file: string, id: number): boolean {
  try {
    const doc = readDoc(file);
    return Array.isArray(doc.vms) && doc.vms.some((v) => isObject(v) && v.id === id);
  } catch {
    return false;
  }
}
