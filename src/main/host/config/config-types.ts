/*
 * The validated configuration (../shared/config.md) as the host uses it: VMs (managed or
 * attached) and controls with resolved tokens and capability bits. Types only.
 */
import type { ControlSpec } from '../../core';
import type { JournalPolicy } from '../journal';
import type { VncTarget } from '../display/vnc-target';
import type { ManagedVmSpec } from '../launcher/vm-spec';

/**
 * How the host starts a managed VM (`vms[].managed`): the launcher's spec without id and
 * name (see ManagedVmSpec), file paths absolute. Every field but `memoryMiB` is optional:
 * - `memoryMiB` guest RAM, 128..65536 (default 256); it also sizes the RAM file MEMCTX maps;
 * - `kernel` / `initrd` / `append` a kernel to boot directly;
 * - `disks`, `cdrom`, `boot`, `firmware`, `uefiVars`, `vcpus`, `machine`, `network`, `ramDir`
 *   a VM that boots its own system (without kernel, disks or cdrom: the project's test guest);
 * - `extraArgs` QEMU arguments appended verbatim after the launcher's own.
 */
export type ManagedConfig = Omit<ManagedVmSpec, 'id' | 'name'>;

/** A VM the host starts and owns. */
export interface ManagedVmConfig {
  kind: 'managed';
  id: number;
  name: string;
  managed: ManagedConfig;
  /** The guest's keyboard layout for typed text and paste (a QEMU keymap name; default en-us). */
  layout?: string;
}

/** A VM someone else started; the host only connects to its QMP socket (and maps its RAM file). */
export interface AttachedVmConfig {
  kind: 'attached';
  id: number;
  name: string;
  qmp: string;
  ramFile?: string;
  /** Its display (`vnc`: a Unix socket or host:port), shown through the host's RFB relay. */
  vnc?: VncTarget;
  /** Its first serial port as QEMU serves it (`serial`: a Unix socket or host:port); the host reads it for the serial pane. */
  serial?: VncTarget;
  /** The guest's keyboard layout for typed text and paste (a QEMU keymap name; default en-us). */
  layout?: string;
}

/** One entry of `vms`. */
export type VmConfig = ManagedVmConfig | AttachedVmConfig;

/** One entry of `controls`, with its token resolved (from `token` or `tokenFile`). */
export interface ControlConfig {
  /** The identity the core enforces. */
  spec: ControlSpec;
  token: string;
  /** Where the token came from: `"inline"` or the token file's path. */
  tokenSource: string;
  console: boolean;
}

/** The journal settings (`journal` in the file; on with defaults when absent). */
export interface JournalConfig {
  enabled: boolean;
  dir?: string;
  durability?: 'os' | 'fsync';
  maxTotalBytes?: number;
  maxSegmentBytes?: number;
  maxAgeMs?: number;
  policy?: JournalPolicy;
  /** Whether the journal redacts CMD_INPUT key codes (default true). */
  redactKeys?: boolean;
}

/** The fleet bridge's settings (`nats`, docs/fleet.md): server, fleet name, credentials, user → control. */
export interface NatsConfig {
  url: string;
  /** This host's fleet name: the HOST token of its subjects. */
  host: string;
  /** The host's own NATS user, and exactly one of its password or nkey seed. */
  user: string;
  password?: string;
  nkeySeed?: string;
  /** NATS user name → the configured control it acts as. */
  users: Map<string, ControlSpec>;
  /**
   * The console's own NATS identity (a client user, not the host's), for its fleet view of
   * the other hosts; absent: the console sees only this host.
   */
  console?: { user: string; password?: string; nkeySeed?: string };
}

/** The whole configuration. */
export interface VmsigConfig {
  /** The file it was read from, when there is one. */
  path: string | null;
  socket: string;
  vms: VmConfig[];
  controls: ControlConfig[];
  journal: JournalConfig;
  /** Directories whose disk images and ISOs the console's New VM form offers (`imageDirs`). */
  imageDirs?: string[];
  /** The fleet bridge (`nats`); absent: the host is not on a bus. */
  nats?: NatsConfig;
  /** What loading found unsafe but accepted (inline tokens in a readable file); shells print them. */
  warnings?: string[];
}
