/*
 * The options of `vmsig vm add|edit|create` turned into the `vms[]` entry a host request
 * carries, checked by the configuration file's own parser (parseVms, as the console's forms
 * are checked): a refusal is a UsageError naming the option that set the field. Relative
 * paths are taken from the caller's directory and sent absolute. It reads no file.
 */
import { type AttachedVmConfig, ConfigError, type VmConfig } from '../../main/host/config';
import { parseVmEntry } from '../../main/host/config/parse-vms';
import { type AttachedVmEntry, attachedEntryOf } from '../../main/host/attached-vms';
import { type ParsedArgs, UsageError, opt } from '../command';

/** Options of an attached VM (valued). */
export const ATTACHED_OPTIONS = ['qmp', 'vnc', 'serial', 'ram-file'] as const;
/** Options of a managed VM (valued); the `--no-*` flags below drop a setting on edit. */
export const MANAGED_OPTIONS = [
  'memory',
  'vcpus',
  'firmware',
  'disk',
  'disk-mode',
  'cdrom',
  'forward',
  'network',
] as const;
/** Flags of `vm edit` that drop a setting (absent from the entry afterwards). */
export const ADMIN_FLAGS = ['no-vnc', 'no-serial', 'no-disk', 'no-cdrom'] as const;
/** Every option add/edit/create take besides the connection's and `--vm`. */
export const ADMIN_OPTIONS = ['name', ...ATTACHED_OPTIONS, ...MANAGED_OPTIONS] as const;

/** The form's defaults for a new managed VM (src/renderer/views/vm-form.tsx): 512 MiB, 1 vCPU, BIOS. */
const NEW_MANAGED = { memoryMiB: 512 };

/** Which option sets a field of the file's entry, for messages ("--vnc: ..."). */
function optionOf(field: string): string {
  const f = field === 'vm' ? '' : field;
  const table: [RegExp, string][] = [
    [/^id$/, '--vm'],
    [/^name$/, '--name'],
    [/^qmp$/, '--qmp'],
    [/^vnc$/, '--vnc'],
    [/^serial$/, '--serial'],
    [/^memctx/, '--ram-file'],
    [/^managed\.memoryMiB/, '--memory'],
    [/^managed\.vcpus/, '--vcpus'],
    [/^managed\.firmware/, '--firmware'],
    [/^managed\.disks\[\d+\]\.mode/, '--disk-mode'],
    [/^managed\.disks/, '--disk'],
    [/^managed\.cdrom/, '--cdrom'],
    [/^managed\.network/, '--forward'],
  ];
  return table.find(([re]) => re.test(f))?.[1] ?? (f || 'the VM');
}

/** Runs the file's parser on one entry; a refusal becomes a UsageError naming the option. */
function checkEntry(raw: Record<string, unknown>): VmConfig {
  try {
    return parseVmEntry(raw, process.cwd());
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`${optionOf(e.field)}: ${e.detail}`);
    throw e;
  }
}

/** A whole number option (`--memory`, `--vcpus`); its range is the parser's to check. */
function wholeNumber(p: ParsedArgs, name: string): number | undefined {
  const v = opt(p, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  return Number(v);
}

/** `--forward 2222:22,8080:80` as the form's forwards (host port on 127.0.0.1 : guest port). */
export function parseForwardList(text: string): { hostPort: number; guestPort: number }[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((item) => {
      const m = /^(\d{1,5}):(\d{1,5})$/.exec(item);
      if (!m) throw new UsageError(`--forward takes HOSTPORT:GUESTPORT[,...], got "${item}"`);
      return { hostPort: Number(m[1]), guestPort: Number(m[2]) };
    });
}

function refuseAll(p: ParsedArgs, names: readonly string[], why: string): void {
  const given = names.find((n) => p.options.has(n));
  if (given) throw new UsageError(`--${given} ${why}`);
}

/** The attached VM `vm add` sends: its entry checked by the file's rules, paths made absolute. */
export function addRequest(p: ParsedArgs, vm: number): AttachedVmEntry {
  refuseAll(p, [...MANAGED_OPTIONS, ...ADMIN_FLAGS], 'is not an option of vm add (an attached VM)');
  const name = opt(p, 'name');
  const qmp = opt(p, 'qmp');
  if (name === undefined) throw new UsageError('vm add needs --name NAME');
  if (qmp === undefined) throw new UsageError('vm add needs --qmp PATH (the QMP socket of the running QEMU)');
  return attachedOf({
    id: vm,
    name,
    qmp,
    vnc: opt(p, 'vnc'),
    serial: opt(p, 'serial'),
    ramFile: opt(p, 'ram-file'),
  });
}

/** Checks an attached entry by the file's rules and spells it back with absolute paths. */
function attachedOf(e: AttachedVmEntry): AttachedVmEntry {
  const raw: Record<string, unknown> = { id: e.id, name: e.name, qmp: e.qmp };
  if (e.vnc !== undefined) raw.vnc = e.vnc;
  if (e.serial !== undefined) raw.serial = e.serial;
  if (e.ramFile !== undefined) raw.memctx = { ramFile: e.ramFile };
  return attachedEntryOf(checkEntry(raw) as AttachedVmConfig);
}

/**
 * `vm edit` of an attached VM: `current` (from `vm.settings`) with the options applied. The
 * RAM file stays as it is (the host keeps it); `--no-vnc` / `--no-serial` drop those.
 */
export function editAttachedRequest(
  p: ParsedArgs,
  vm: number,
  current: { name: string; qmp: string; vnc?: string; serial?: string; ramFile?: string },
): { name: string; attached: { qmp: string; vnc?: string; serial?: string } } {
  refuseAll(p, [...MANAGED_OPTIONS, 'no-disk', 'no-cdrom'], `is for managed VMs; VM ${vm} is attached`);
  refuseAll(p, ['ram-file'], 'cannot be edited: remove the VM and add it again with another RAM file');
  exclusive(p, 'vnc', 'no-vnc');
  exclusive(p, 'serial', 'no-serial');
  const vnc = p.options.has('no-vnc') ? undefined : (opt(p, 'vnc') ?? current.vnc);
  const serial = p.options.has('no-serial') ? undefined : (opt(p, 'serial') ?? current.serial);
  const e = attachedOf({
    id: vm,
    name: opt(p, 'name') ?? current.name,
    qmp: opt(p, 'qmp') ?? current.qmp,
    vnc,
    serial,
  });
  return {
    name: e.name,
    attached: { qmp: e.qmp, ...(e.vnc && { vnc: e.vnc }), ...(e.serial && { serial: e.serial }) },
  };
}

function exclusive(p: ParsedArgs, a: string, b: string): void {
  if (p.options.has(a) && p.options.has(b)) throw new UsageError(`--${a} and --${b} exclude each other`);
}

/**
 * The `managed` object after the options: `base` (the VM's settings, or the form's defaults
 * for a new VM) with memory, vCPUs, firmware, disk, ISO and network replaced where given.
 */
function applyManaged(p: ParsedArgs, base: Record<string, unknown>): Record<string, unknown> {
  exclusive(p, 'disk', 'no-disk');
  exclusive(p, 'cdrom', 'no-cdrom');
  const m: Record<string, unknown> = { ...base };
  const memory = wholeNumber(p, 'memory');
  if (memory !== undefined) m.memoryMiB = memory;
  const vcpus = wholeNumber(p, 'vcpus');
  if (vcpus !== undefined) m.vcpus = vcpus;
  const firmware = opt(p, 'firmware');
  if (firmware !== undefined) m.firmware = firmware;
  const disk = opt(p, 'disk');
  const mode = opt(p, 'disk-mode');
  if (disk !== undefined) m.disks = [{ path: disk, ...(mode !== undefined && { mode }) }];
  else if (mode !== undefined) {
    const disks = m.disks as Record<string, unknown>[] | undefined;
    if (disks?.length !== 1) throw new UsageError('--disk-mode needs --disk PATH (or a VM with one disk)');
    m.disks = [{ ...disks[0], mode }];
  }
  if (p.options.has('no-disk')) delete m.disks;
  const cdrom = opt(p, 'cdrom');
  if (cdrom !== undefined) m.cdrom = cdrom;
  if (p.options.has('no-cdrom')) delete m.cdrom;
  const network = opt(p, 'network');
  if (network !== undefined && network !== 'user' && network !== 'none')
    throw new UsageError(`--network must be user or none, got "${network}"`);
  const forward = opt(p, 'forward');
  if (forward !== undefined && network === 'none') throw new UsageError('--forward needs --network user');
  if (network === 'none') delete m.network;
  else if (forward !== undefined) m.network = { forwards: parseForwardList(forward) };
  else if (network === 'user' && m.network === undefined) m.network = { forwards: [] };
  return m;
}

/** A managed VM's entry checked by the file's rules; `managed` as the host will read it (paths absolute). */
function managedOf(
  id: number,
  name: string,
  managed: Record<string, unknown>,
): { name: string; managed: Record<string, unknown> } {
  const vm = checkEntry({ id, name, managed });
  if (vm.kind !== 'managed') throw new UsageError('not a managed VM');
  return { name, managed: { ...vm.managed } };
}

/** What `vm create` sends: name and the `managed` object, the form's defaults where no option is given. */
export function createRequest(p: ParsedArgs, vm: number): { name: string; managed: Record<string, unknown> } {
  refuseAll(p, [...ATTACHED_OPTIONS, ...ADMIN_FLAGS], 'is not an option of vm create (a managed VM)');
  const name = opt(p, 'name');
  if (name === undefined) throw new UsageError('vm create needs --name NAME');
  return managedOf(vm, name, applyManaged(p, NEW_MANAGED));
}

/** `vm edit` of a managed VM: `current` (from `vm.settings`) with the options applied. */
export function editManagedRequest(
  p: ParsedArgs,
  vm: number,
  current: { name: string; managed: Record<string, unknown> },
): { name: string; managed: Record<string, unknown> } {
  refuseAll(p, [...ATTACHED_OPTIONS, 'no-vnc', 'no-serial'], `is for attached VMs; VM ${vm} is managed`);
  return managedOf(vm, opt(p, 'name') ?? current.name, applyManaged(p, current.managed));
}

/** Whether any add/edit/create option was given (the other actions take none). */
export function hasAdminOption(p: ParsedArgs): string | undefined {
  return [...ADMIN_OPTIONS, ...ADMIN_FLAGS].find((n) => p.options.has(n));
}
