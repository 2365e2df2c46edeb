/*
 * What the host's add/edit operations on attached VMs need besides the runners: an entry
 * checked by the configuration file's own rules (parseVms itself, the error naming the
 * entry's field: `vnc`, `serial`), its settings spelled back as the form shows them, and
 * its entry in the file appended or rewritten. Nothing here connects to a VM.
 */
import { ErrorCode, VmsigError } from '../../shared/model';
import type { AttachedVmConfig } from './config';
import { editConfigVms, fileListsVm } from './config/config-writer';
import { parseVmEntry } from './config/parse-vms';
import type { VncTarget } from './display/vnc-target';

/** An attached VM as the console's form or a host request gives it: the `vms[]` fields as text. */
export interface AttachedVmEntry {
  id: number;
  name: string;
  qmp: string;
  /** Its display: a VNC Unix socket path or host:port (`vms[].vnc`). */
  vnc?: string;
  /** Its first serial port as QEMU serves it: a Unix socket path or host:port (`vms[].serial`). */
  serial?: string;
  /** Its guest RAM file (`vms[].memctx.ramFile`). */
  ramFile?: string;
}

/**
 * Checks `entry` exactly as the configuration file's `vms[]` entry would be (parseVms: no
 * second validator) and returns its config, paths resolved against `baseDir`. Throws
 * ConfigError INVAL whose `field` is the entry's own field (`vnc`, `serial`, `qmp`, `name`).
 */
export function checkAttachedVm(entry: AttachedVmEntry, baseDir: string): AttachedVmConfig {
  const raw: Record<string, unknown> = { id: entry.id, name: entry.name, qmp: entry.qmp };
  if (entry.vnc !== undefined) raw.vnc = entry.vnc;
  if (entry.serial !== undefined) raw.serial = entry.serial;
  if (entry.ramFile !== undefined) raw.memctx = { ramFile: entry.ramFile };
  return parseVmEntry(raw, baseDir) as AttachedVmConfig;
}

/** `t` spelled as `vms[].vnc` / `vms[].serial` spell it: the socket path, or host:port ([v6]:port). */
export function addressText(t: VncTarget): string {
  if (t.kind === 'unix') return t.path;
  return `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

/** An attached VM's settings as the form shows them (paths absolute), the inverse of checkAttachedVm. */
export function attachedEntryOf(cfg: AttachedVmConfig): AttachedVmEntry {
  return {
    id: cfg.id,
    name: cfg.name,
    qmp: cfg.qmp,
    ...(cfg.vnc && { vnc: addressText(cfg.vnc) }),
    ...(cfg.serial && { serial: addressText(cfg.serial) }),
    ...(cfg.ramFile && { ramFile: cfg.ramFile }),
  };
}

/**
 * Appends `entry` to configuration `file`'s `vms` as the file spells an attached VM (`qmp`,
 * `vnc`, `serial`, `memctx.ramFile`, paths as given), so the VM is attached again when the
 * host restarts; other entries and fields stay. Throws ConfigError when the result would
 * not load (nothing written then), VmsigError BUSY when the file already lists the id.
 */
export function appendAttachedEntry(file: string, entry: AttachedVmEntry): void {
  editConfigVms(file, (vms) => {
    if (vms.some((v) => v.id === entry.id))
      throw new VmsigError(ErrorCode.BUSY, `VM id ${entry.id} is already in ${file}`);
    const { id, name, qmp, vnc, serial, ramFile } = entry;
    return [
      ...vms,
      {
        id,
        name,
        qmp,
        ...(vnc !== undefined && { vnc }),
        ...(serial !== undefined && { serial }),
        ...(ramFile !== undefined && { memctx: { ramFile } }),
      },
    ];
  });
}

/**
 * Rewrites `entry.id`'s entry in configuration `file`, when the file lists it, with the
 * entry's name, QMP socket, display and serial port (absent: removed); its other fields
 * (`memctx`, `layout`) stay. Throws ConfigError when the result would not load (nothing written).
 */
export function writeAttachedEntry(file: string, entry: AttachedVmEntry): void {
  if (!fileListsVm(file, entry.id)) return;
  editConfigVms(file, (vms) =>
    vms.map((v) => {
      if (v.id !== entry.id) return v;
      const { vnc: _vnc, serial: _serial, ...rest } = v;
      return {
        ...rest,
        name: entry.name,
        qmp: entry.qmp,
        ...(entry.vnc !== undefined && { vnc: entry.vnc }),
        ...(entry.serial !== undefined && { serial: entry.serial }),
      };
    }),
  );
}
