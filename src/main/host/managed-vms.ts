/*
 * What the host's create/edit operations need besides the runners: a managed VM checked by
 * the configuration file's own rules (messages name `managed.<field>`), and the images the
 * configured `imageDirs` hold for the New VM form. It lists only those directories, one
 * level deep, never following a link out of them: no general browser of the host's files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, VmsigError } from '../../shared/model';
import { ConfigError, type VmConfig } from './config';
import { parseVmEntry } from './config/parse-vms';

/** A managed VM as create/edit receive it: the `vms[]` entry they will write. */
export interface ManagedVmEntry {
  id: number;
  name: string;
  managed: Record<string, unknown>;
}

/**
 * Checks `entry` as the configuration file would and returns its config. Throws VmsigError
 * INVAL naming the field (`managed.disks[0].format: ...`).
 */
export function checkManagedVm(entry: ManagedVmEntry, baseDir: string): VmConfig {
  try {
    return parseVmEntry({ id: entry.id, name: entry.name, managed: entry.managed }, baseDir);
  } catch (e) {
    if (e instanceof ConfigError) throw new VmsigError(ErrorCode.INVAL, `${e.field}: ${e.detail}`);
    throw e;
  }
}

/** One image the New VM form may offer. */
export interface ImageEntry {
  path: string;
  kind: 'disk' | 'iso';
  bytes: number;
}

const DISK_EXT = /\.(qcow2|img|raw)$/i;
const ISO_EXT = /\.iso$/i;
/** Bounds the answer: an image directory with thousands of files must not flood the UI. */
const MAX_IMAGES = 500;

/** The disk images and ISOs directly inside `dirs` (regular files, links staying inside only). */
export function listImages(dirs: readonly string[]): ImageEntry[] {
  const out: ImageEntry[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      continue; // A missing image directory lists nothing; the configuration stays valid.
    }
    const realDir = fs.realpathSync(dir);
    for (const name of names) {
      const kind = ISO_EXT.test(name) ? 'iso' : DISK_EXT.test(name) ? 'disk' : null;
      if (!kind) continue;
      const file = path.join(dir, name);
      try {
        const real = fs.realpathSync(file);
        const st = fs.statSync(real);
        if (!st.isFile() || path.dirname(real) !== realDir) continue;
        out.push({ path: file, kind, bytes: st.size });
      } catch {
        continue;
      }
      if (out.length >= MAX_IMAGES) return out;
    }
  }
  return out;
}
