/*
 * The one typed contract between the console's main side (Electron main or the headless
 * host) and the renderer: an invoke map (renderer → main) and a push map (main → renderer).
 * Both shells implement it and the renderer consumes it once; nothing here does I/O.
 */

/** Every failure crossing the border: a protocol §8 code (or a host code ≥ 1000) and a message. */
export interface IpcError {
  code: number;
  message: string;
  /** The request field the error is about (`vnc`, `serial`, `qmp` …), when it names one: forms show it there. */
  field?: string;
}

/** An invoke's answer: a value, or a typed error. Never a thrown exception across the border. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Host-side error codes beyond protocol §8 (the VM is not managed, QEMU missing, ...). */
export const HostErrorCode = {
  /** The sender is not the console's own page. */
  FORBIDDEN: 1000,
  /** No such channel. */
  UNKNOWN_CHANNEL: 1001,
  /** The host refused or failed (launcher errors, config errors); the message says why. */
  HOST: 1002,
} as const;

/** A seam as the VM list shows it. */
export interface SeamView {
  /** Source name: INPUT, VMHOST, MEMCTX, FRAME. */
  seam: string;
  up: boolean;
  /** SeamReason name of the last transition. */
  reason: string;
}

/** One VM in the list. */
export interface VmView {
  id: number;
  name: string;
  kind: 'managed' | 'attached';
  /** Host-side state of a managed VM's process: stopped, starting, running, failed; attached: attached. */
  host: string;
  /** Last VM_LIFECYCLE state name (RUNNING, PAUSED, ...) or UNKNOWN. */
  lifecycle: string;
  seams: SeamView[];
  /** Why the host could not run it (launcher error text), or null. */
  error: string | null;
  /** Where noVNC connects: a same-origin path (headless host) or a loopback ws:// URL, or null. */
  vnc: string | null;
  /** Serial log path of a managed VM, for operators and tests. */
  serialPath: string | null;
  /** The accelerator a managed VM's QEMU runs under (kvm, tcg), or null while none runs. */
  accel?: string | null;
  /** Why that accelerator (the KVM probe's verdict, or the notice of a restart under TCG). */
  accelReason?: string | null;
  /** Seconds since the VM's start or reset while its guest has shown no sign of life; null once it has. */
  silentForS?: number | null;
}

/** One held lease. */
export interface LeaseView {
  endpoint: number;
  cls: 'INPUT' | 'POWER' | 'MEMWRITE';
  controlId: number;
  controlName: string;
  principal: number;
  prio: number;
  /** Core clock at grant (ns) and the wall clock it maps to (ms since epoch). */
  sinceNs: number;
  sinceMs: number;
  /** Held by the console itself. */
  mine: boolean;
}

/** One connected control. */
export interface ControlView {
  id: number;
  name: string;
  principal: number;
  caps: string[];
  /** Granted endpoint ids (1..63). */
  grant: number[];
  leasePrio: number;
  /** Requested subscription, summarised; null before SUBSCRIBE. */
  subscription: {
    kinds: string[] | 'all';
    dirs: string[];
    prioMin: string;
    endpoints: number[] | 'all';
  } | null;
  queued: number;
  delivered: number;
  dropped: number;
  /** The console's own control. */
  self: boolean;
}

/** The pointer position a sensor reported (CURSOR_STATE), per VM. */
export interface CursorView {
  endpoint: number;
  x: number;
  y: number;
  visible: boolean;
  seq: number;
}

/** A held key or button (INPUT_HELD). */
export interface HeldView {
  endpoint: number;
  truncated: boolean;
  entries: { kind: number; code: number }[];
}

/** What the host lacks to run VMs (shown as the empty state). */
export interface Readiness {
  qemu: string | null;
  guest: string | null;
}

/** Everything the UI shows that is state, not history. Sent whole when any part changes. */
export interface Snapshot {
  self: { controlId: number; principal: number; name: string; caps: string[] };
  vms: VmView[];
  leases: LeaseView[];
  controls: ControlView[];
  cursors: CursorView[];
  held: HeldView[];
  readiness: Readiness;
  /** Core clock now (ns) and wall clock now (ms), to place event timestamps. */
  clock: { ns: number; ms: number };
  /** The other hosts of the NATS fleet (docs/fleet.md), or null when this host has no fleet view. */
  fleet?: FleetSnapshot | null;
}

/** A VM of another host, as that host's presence and event feed describe it. */
export interface RemoteVmView {
  id: number;
  name: string;
  /** The owning host's state of the VM (stopped, running, …), from its presence. */
  host: string;
  lifecycle: string;
  /** The guest's keyboard layout for paste (its host's config; en-us when it does not say). */
  layout: string;
  seams: SeamView[];
  leases: { cls: string; controlName: string; principal: number; mine: boolean }[];
}

/** One other host of the fleet. */
export interface RemoteHostView {
  name: string;
  /** False once its presence has been silent for 2 s (or before the first). */
  reachable: boolean;
  /** Milliseconds since its last presence, or null before any. */
  silentMs: number | null;
  vms: RemoteVmView[];
}

/** The fleet as this console sees it. */
export interface FleetSnapshot {
  /** This host's fleet name. */
  self: string;
  /** Whether the console's NATS connection is up. */
  connected: boolean;
  hosts: RemoteHostView[];
}

/** A reply the core addressed to the console (ACT_ACK, LEASE_*, INPUT_HELD), decoded. */
export interface CommandReply {
  /** Kind name of the reply: ACT_ACK, LEASE_GRANTED, LEASE_DENIED, LEASE_RELEASED, LEASE_STATUS, INPUT_HELD. */
  kind: string;
  ok: boolean;
  /** ErrorCode name (ACT_ACK) or LeaseDeny name (LEASE_DENIED); '' when ok. */
  err: string;
  fields: Record<string, unknown>;
}

/** Input the console sends (CMD_INPUT). ABS x/y are 0..32767; SCROLL uses `scroll`. */
export type InputRequest =
  | { endpoint: number; type: 'key'; code: number; down: boolean }
  | { endpoint: number; type: 'button'; code: number; down: boolean }
  | { endpoint: number; type: 'abs'; x: number; y: number }
  | { endpoint: number; type: 'rel'; dx: number; dy: number }
  | { endpoint: number; type: 'scroll'; delta: number };

/** Lease classes the console may ask for. */
export type LeaseClassName = 'INPUT' | 'POWER';

/** VM operations: CMD_VM ops and CMD_LIFECYCLE ops under one name each. */
export type VmOpName = 'pause' | 'resume' | 'reset' | 'powerdown' | 'quit';

/**
 * The settings the console's New VM / Edit form sets: a subset of `vms[].managed` of the
 * configuration file (which the host checks with the file's own rules).
 */
export interface ManagedVmForm {
  memoryMiB: number;
  vcpus: number;
  firmware: 'bios' | 'uefi';
  /** A disk image; `snapshot` keeps it unmodified, `overlay` keeps writes beside it. */
  disk?: { path: string; mode: 'snapshot' | 'overlay' | 'write' };
  /** An ISO on the CD-ROM (boots first when there is also a disk). */
  cdrom?: string;
  /** A user-mode NIC with host ports (on 127.0.0.1) forwarded to the guest; absent: no network. */
  network?: { forwards: { hostPort: number; guestPort: number }[] };
}

/** An attached VM's settings in the Add / Edit attached VM form: as `vms[]` spells them. */
export interface AttachedVmForm {
  qmp: string;
  /** Its display: a VNC Unix socket path or host:port; absent: no screen. */
  vnc?: string;
  /** Its serial port as QEMU serves it: a Unix socket path or host:port; absent: no serial pane. */
  serial?: string;
}

/** A disk image or ISO in one of the configured `imageDirs`. */
export interface ImageView {
  path: string;
  kind: 'disk' | 'iso';
  bytes: number;
}

/** One key event of a macro: wait `delayMs` after the previous one, then press or release evdev `code`. */
export interface MacroStepView {
  delayMs: number;
  code: number;
  down: boolean;
}

/** A saved macro as the play menu lists it. */
export interface MacroView {
  name: string;
  steps: number;
  durationMs: number;
}

/** Invoke map: channel → [request, result]. */
export interface InvokeMap {
  'state.snapshot': [Record<string, never>, Snapshot];
  'vm.start': [{ id: number }, { id: number }];
  'vm.stop': [{ id: number }, { id: number }];
  /** Attaches a VM someone else started; `vnc` / `serial` as `vms[]` spells them (Unix path or host:port). */
  'vm.addAttached': [{ id: number; name: string } & AttachedVmForm, { id: number }];
  /** Re-attaches an attached VM with new settings (rewriting its entry when the file lists it); gated HOST. */
  'vm.editAttached': [{ id: number; name: string } & AttachedVmForm, { id: number }];
  'vm.remove': [{ id: number }, { id: number }];
  /** Creates a managed VM (written to the configuration file) and starts it; gated HOST. */
  'vm.create': [{ id: number; name: string; managed: ManagedVmForm }, { id: number }];
  /** Rewrites a managed VM's settings (restarting it if it ran); gated HOST. */
  'vm.edit': [{ id: number; name: string; managed: ManagedVmForm }, { id: number }];
  /**
   * A VM's current settings as its form shows them: `managed` (null for what the form cannot
   * show) or `attached`, the other one null.
   */
  'vm.settings': [
    { id: number },
    { name: string; managed: ManagedVmForm | null; attached: AttachedVmForm | null },
  ];
  /** The images the configured `imageDirs` hold (nothing else of the host's files). */
  'vm.images': [Record<string, never>, { images: ImageView[] }];
  /**
   * A VM's serial output (its running QEMU's, or an attached VM's declared port) after
   * logical byte `since` (at most 256 KiB per call; base64 so both shells carry bytes as
   * text). `start` is the oldest byte still held (older output was rotated away), `next` the
   * `since` of the next call; `run` changes when QEMU was restarted (offsets start again at
   * 0), null while none runs; `source` names what is read.
   */
  'serial.read': [
    { id: number; since: number },
    { run: number | null; source: string; start: number; next: number; base64: string },
  ];
  /**
   * Starts (`watch: true`) or ends this window's `serial` pushes of VM `id`: its new serial
   * output from now on, at most 16 VMs per window. Read the scrollback with `serial.read`.
   */
  'serial.watch': [{ id: number; watch: boolean }, { watching: boolean }];
  'vm.op': [{ endpoint: number; op: VmOpName }, CommandReply];
  'lease.acquire': [{ endpoint: number; cls: LeaseClassName }, CommandReply];
  'lease.release': [{ endpoint: number; cls: LeaseClassName }, CommandReply];
  /** Fire-and-forget at input rate: answers once the core accepted or refused it, not after QEMU. */
  'input.send': [InputRequest, { accepted: boolean; err: string }];
  'input.query': [{ endpoint: number }, CommandReply];
  /** The layouts the host can type (QEMU's keymaps) and the VM's configured one; `error` when none. */
  'input.layouts': [{ endpoint: number }, { names: string[]; layout: string; error: string }];
  /** The distinct characters of `text` that `layout` cannot type (the paste preview). */
  'input.preview': [{ layout: string; text: string }, { untypable: string[]; error: string }];
  /**
   * Paste as keystrokes under the console's INPUT lease: what the VM held is released, then
   * each key event waits for its ACT_ACK. Answers when done, cancelled or refused (`err`).
   */
  'input.type': [
    { endpoint: number; text: string; layout: string },
    { typed: number; total: number; cancelled: boolean; err: string },
  ];
  /** Stops the paste running on a VM; every key it pressed is released. */
  'input.typeCancel': [{ endpoint: number }, { cancelled: boolean }];
  /** The saved keyboard macros (the host's macro directory); `errors` names files that cannot be used. */
  'macro.list': [Record<string, never>, { macros: MacroView[]; dir: string; errors: string[] }];
  /** Saves a recorded macro by name (0600 in the private macro directory; replaces one of that name). */
  'macro.save': [{ name: string; steps: MacroStepView[] }, { name: string }];
  /**
   * Plays a saved macro under the console's INPUT lease: what the VM held is released, each
   * key event waits for its ACT_ACK. Answers when done, cancelled or refused (`err`).
   */
  'macro.play': [
    { endpoint: number; name: string; speed: 'recorded' | number },
    { played: number; total: number; cancelled: boolean; err: string },
  ];
  /** Stops the macro playing on a VM; every key it pressed is released. */
  'macro.cancel': [{ endpoint: number }, { cancelled: boolean }];
  /**
   * One page of journaled events before the live stream (the newest `limit` records numbered
   * below `before`, returned oldest first), packed as event records and base64-encoded so
   * both shells carry them as text. Without `before`, the page ends at the mark taken when
   * this renderer's events.subscribe enabled its stream, so history and live events meet
   * exactly (nothing twice, nothing lost). `cursor` is the `before` of the next older page,
   * null once the journal holds nothing older. `available` is false without a journal.
   * `sampled` lists, as flat triples (index in `records`, count, the record's wall ms), the
   * records before which the journal left out `count` events of the same kind and VM (sampled
   * or capped since the previous one it kept); `firstRec` is the
   * oldest record retention left on disk (null: none).
   */
  'history.query': [
    { limit: number; vm?: number; before?: number; after?: number },
    {
      available: boolean;
      records: string;
      count: number;
      cursor: number | null;
      runStartRec: number;
      sampled: number[];
      firstRec: number | null;
    },
  ];
  /**
   * Turns this renderer's event stream on or off (the console keeps observing either way).
   * On: `run` names this host run (seq restarts with the host), `mark` is the journal record
   * the live stream starts at (null without a journal), `seq` the last seq routed before it,
   * `state` the replayed state the journal does not hold (packed records, base64),
   * `sampled` the events this console would see that the journal left out since the last one
   * it kept of their kind and VM (no record below `mark` counts them).
   */
  'events.subscribe': [
    { enabled: boolean },
    {
      enabled: boolean;
      run: string;
      mark: number | null;
      runStartRec: number;
      seq: number;
      state: string;
      sampled: number;
    },
  ];
  /** The same commands on a VM of another fleet host, through a NATS session with that host's core. */
  'fleet.vmOp': [{ host: string; endpoint: number; op: VmOpName }, CommandReply];
  'fleet.acquire': [{ host: string; endpoint: number; cls: LeaseClassName }, CommandReply];
  'fleet.release': [{ host: string; endpoint: number; cls: LeaseClassName }, CommandReply];
  'fleet.query': [{ host: string; endpoint: number }, CommandReply];
  'fleet.input': [{ host: string; input: InputRequest }, { accepted: boolean; err: string }];
  /** This host's layouts and the remote VM's own (its host's presence says which). */
  'fleet.layouts': [{ host: string; endpoint: number }, { names: string[]; layout: string; error: string }];
  /** Paste on a remote VM: typed here, each key event a CMD_INPUT to its host's core, paced by its ACT_ACK. */
  'fleet.type': [
    { host: string; endpoint: number; text: string; layout: string },
    { typed: number; total: number; cancelled: boolean; err: string },
  ];
  'fleet.typeCancel': [{ host: string; endpoint: number }, { cancelled: boolean }];
  /** A saved macro (this host's macro directory) played on a remote VM, each key paced by its host's ACT_ACK. */
  'fleet.macroPlay': [
    { host: string; endpoint: number; name: string; speed: 'recorded' | number },
    { played: number; total: number; cancelled: boolean; err: string },
  ];
  'fleet.macroCancel': [{ host: string; endpoint: number }, { cancelled: boolean }];
}

/** Channel names of the invoke map. */
export type InvokeChannel = keyof InvokeMap;
/** Request type of a channel. */
export type InvokeRequest<C extends InvokeChannel> = InvokeMap[C][0];
/** Result type of a channel. */
export type InvokeResponse<C extends InvokeChannel> = InvokeMap[C][1];

/** Every invoke channel, for validation at the border. */
export const INVOKE_CHANNELS: readonly InvokeChannel[] = [
  'state.snapshot',
  'vm.start',
  'vm.stop',
  'vm.addAttached',
  'vm.editAttached',
  'vm.remove',
  'vm.create',
  'vm.edit',
  'vm.settings',
  'vm.images',
  'serial.read',
  'serial.watch',
  'vm.op',
  'lease.acquire',
  'lease.release',
  'input.send',
  'input.query',
  'input.layouts',
  'input.preview',
  'input.type',
  'input.typeCancel',
  'macro.list',
  'macro.save',
  'macro.play',
  'macro.cancel',
  'history.query',
  'events.subscribe',
  'fleet.vmOp',
  'fleet.acquire',
  'fleet.release',
  'fleet.query',
  'fleet.input',
  'fleet.layouts',
  'fleet.type',
  'fleet.typeCancel',
  'fleet.macroPlay',
  'fleet.macroCancel',
];

/** Push map: channel → payload. Both are batched, at most one message each per ~16 ms tick. */
export interface PushMap {
  /** The whole state, when it changed since the last tick. */
  snapshot: Snapshot;
  /** Events of one tick, packed: see `packEventRecords` in ipc-records.ts. */
  events: Uint8Array;
  /** New serial output of a VM this window watches (`serial.watch`), one per VM per tick. */
  serial: SerialPush;
  /**
   * Other fleet hosts' events of one tick, in order, packed as `events` and base64-encoded;
   * an entry with `missed` is a gap: that many events of the host never reached this console,
   * with `fill` saying what its journal supplied (those events follow in place) or why not.
   * `preemptors` names, by principal, the controls that host says preempted a lease in `records`.
   */
  fleetEvents: {
    host: string;
    records: string;
    missed?: number;
    fill?: GapFillView;
    preemptors?: Record<string, string>;
  }[];
}

/** What a fleet host's journal filled of a gap in its feed, or why it could not. */
export type GapFillView = { filled: number; complete: boolean; sampled: number } | { error: string };

/**
 * Serial output pushed to a watching window: the bytes from logical offset `start` (base64).
 * A `start` past what the window holds means bytes were dropped on the way (the window was
 * behind): read them with `serial.read`. A new `run` (or null: none runs) restarts offsets at 0.
 */
export interface SerialPush {
  id: number;
  run: number | null;
  /** What the bytes come from: "QEMU pid N", or an attached VM's serial address. */
  source: string;
  start: number;
  base64: string;
}

/** Every push channel, for the preload's and the WebSocket client's dispatch. */
export const PUSH_CHANNELS: readonly PushChannel[] = ['snapshot', 'events', 'serial', 'fleetEvents'];

/** Push channel names. */
export type PushChannel = keyof PushMap;

/** Prefix every Electron IPC channel carries, so main can reject strangers. */
export const IPC_PREFIX = 'vmsig:';

/** Electron: the window's keyboard capture (after IPC_PREFIX); the other shell has no such channel. */
export const CAPTURE_SET = 'capture.set';

/** What the Electron preload adds to `window.vmsig` for keyboard capture. */
export interface CaptureBridge {
  /** While on and the window is focused, menu and app shortcuts (Ctrl+W, Ctrl+R, F11, Alt) go to the page. */
  set(on: boolean): Promise<IpcResult<{ on: boolean }>>;
}

/** The API the renderer sees as `window.vmsig` (Electron preload) or over the WebSocket. */
export interface VmsigApi {
  /** Calls a main-side command; resolves with a result, never rejects for command errors. */
  invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<IpcResult<InvokeResponse<C>>>;
  /** Listens to a push channel; returns the disposer. */
  on<P extends PushChannel>(channel: P, listener: (payload: PushMap[P]) => void): () => void;
}
