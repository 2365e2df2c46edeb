/*
 * The other hosts of the fleet as the last snapshot showed them, which remote VM the
 * operator looks at, and the actions on it. Every action goes to the console's host,
 * which forwards it to the owning host's core (docs/fleet.md §9): refusals come back as
 * that core's replies and are shown as for a local VM.
 */
import { create } from 'zustand';
import type {
  CommandReply,
  CursorView,
  HeldView,
  FleetSnapshot,
  GapFillView,
  InputRequest,
  IpcResult,
  LeaseClassName,
  RemoteHostView,
  RemoteVmView,
  VmOpName,
} from '../../shared/ipc';
import { InputKind } from '../../shared/model';
import { keyName } from '../../shared/keys';
import { timelinePacer } from '../timeline/frame-pacer';
import { getApi } from '../api';
import { notify } from './notices';

/** A VM of another host. */
export interface RemoteRef {
  host: string;
  id: number;
}

/** Fleet domain state. */
export interface FleetState {
  fleet: FleetSnapshot | null;
  /** The remote VM in the centre view, or null (a local VM, or none). */
  selected: RemoteRef | null;
  /** The remote VM whose screen has the keyboard, or null. */
  grabbed: RemoteRef | null;
  /** Keys and buttons (evdev codes ≥ 0x100) pressed on the grabbed remote VM and not yet released. */
  pressed: number[];
  /** Each remote VM's guest cursor (`refKey`), from its host's feed. */
  cursors: Record<string, CursorView>;
  /** What each remote VM's input seam held when last asked (`refKey`). */
  held: Record<string, HeldView>;
  /** "INPUT lease on … preempted by …" per remote VM (`refKey`) whose grab its host revoked. */
  preempted: Record<string, string>;
}

/** The fleet store. */
export const useFleet = create<FleetState>()(() => ({
  fleet: null,
  selected: null,
  grabbed: null,
  pressed: [],
  cursors: {},
  held: {},
  preempted: {},
}));

/** The key of a remote VM in per-VM maps. */
export const refKey = (ref: RemoteRef): string => `${ref.host}/${ref.id}`;

/** Whether two references name the same remote VM. */
export const sameRef = (a: RemoteRef | null, b: RemoteRef | null): boolean =>
  a !== null && b !== null && a.host === b.host && a.id === b.id;

/** The selected remote VM's host, or undefined (pure; the store's own object, so selectors stay stable). */
export function selectRemoteHost(s: FleetState): RemoteHostView | undefined {
  const sel = s.selected;
  return sel ? s.fleet?.hosts.find((x) => x.name === sel.host) : undefined;
}

/** The selected remote VM, or undefined (pure; the store's own object). */
export function selectRemoteVm(s: FleetState): RemoteVmView | undefined {
  const sel = s.selected;
  return sel ? selectRemoteHost(s)?.vms.find((v) => v.id === sel.id) : undefined;
}

/** Folds a snapshot's fleet part in; a grab on a VM whose host went unreachable is dropped (pure). */
export function reduceFleet(s: FleetState, fleet: FleetSnapshot | null): Partial<FleetState> {
  const g = s.grabbed;
  const host = g && fleet?.hosts.find((h) => h.name === g.host);
  return {
    fleet,
    grabbed: host && host.reachable ? g : null,
    pressed: host && host.reachable ? s.pressed : [],
  };
}

function reply(what: string, r: IpcResult<CommandReply>): CommandReply | null {
  if (!r.ok) {
    notify('error', `${what} failed: ${r.error.message}`);
    return null;
  }
  notify(
    r.value.ok ? 'info' : 'error',
    r.value.ok ? `${what}: ${r.value.kind}` : `${what}: ${r.value.kind} ${r.value.err}`,
  );
  return r.value;
}

const label = (ref: RemoteRef): string => {
  const vm = selectRemoteVm({ ...useFleet.getState(), selected: ref });
  return `${vm?.name ?? `VM ${ref.id}`} on ${ref.host}`;
};

/** Asks the owning host for a lease; true when granted. */
export async function remoteAcquire(ref: RemoteRef, cls: LeaseClassName): Promise<boolean> {
  const r = await getApi().invoke('fleet.acquire', { host: ref.host, endpoint: ref.id, cls });
  return reply(`${cls} lease on ${label(ref)}`, r)?.kind === 'LEASE_GRANTED';
}

/** Gives a lease back to the owning host. */
export async function remoteRelease(ref: RemoteRef, cls: LeaseClassName): Promise<void> {
  reply(
    `Release ${cls} on ${label(ref)}`,
    await getApi().invoke('fleet.release', { host: ref.host, endpoint: ref.id, cls }),
  );
}

/**
 * One input event to a remote VM (under its host's INPUT lease); refusals are notices.
 * Resolves once the owning host answered (ungrab waits for its releases).
 */
export function remoteInput(ref: RemoteRef, input: InputRequest): Promise<void> {
  // The request leaves first, and the timeline's frames wait their turn (as for a local VM).
  const sent = getApi().invoke('fleet.input', { host: ref.host, input });
  timelinePacer.noteInput(sent);
  if (input.type === 'key' || input.type === 'button') {
    const { code, down } = input;
    useFleet.setState((s) => ({
      pressed: down ? [...s.pressed.filter((c) => c !== code), code] : s.pressed.filter((c) => c !== code),
    }));
  }
  return sent.then((r) => {
    if (!r.ok) notify('error', `Input to ${label(ref)} failed: ${r.error.message}`);
    else if (!r.value.accepted) notify('error', `Input refused: ${r.value.err}`);
  });
}

/** Grab: the INPUT lease on the owning host, then what a preempted owner left held is let go. */
export async function remoteGrab(ref: RemoteRef): Promise<void> {
  if (!(await remoteAcquire(ref, 'INPUT'))) return;
  useFleet.setState((s) => {
    const { [refKey(ref)]: _gone, ...preempted } = s.preempted;
    return { grabbed: ref, pressed: [], preempted };
  });
  await remoteReleaseAllHeld(ref);
}

/** An INPUT_HELD reply's `held` ("KEY:29", "BTN:272") as a HeldView (pure). */
export function heldFromReply(endpoint: number, r: CommandReply): HeldView {
  const entries = ((r.fields.held as string[] | undefined) ?? []).map((h) => {
    const [kind, code] = h.split(':');
    return { kind: kind === 'BTN' ? InputKind.BTN : InputKind.KEY, code: Number(code) };
  });
  return { endpoint, truncated: r.fields.truncated === true, entries };
}

/** Asks the owning host what the VM's input seam holds; the answer is kept for the held list. */
export async function remoteQueryHeld(ref: RemoteRef): Promise<HeldView | null> {
  const r = await getApi().invoke('fleet.query', { host: ref.host, endpoint: ref.id });
  if (!r.ok) {
    notify('error', `Query held keys on ${label(ref)} failed: ${r.error.message}`);
    return null;
  }
  const held = heldFromReply(ref.id, r.value);
  useFleet.setState((s) => ({ held: { ...s.held, [refKey(ref)]: held } }));
  return held;
}

/** Releases every key and button the remote VM holds (each answered), then asks again for the list. */
export async function remoteReleaseAllHeld(ref: RemoteRef): Promise<void> {
  const held = await remoteQueryHeld(ref);
  if (!held?.entries.length) return;
  for (const e of held.entries)
    await remoteInput(ref, {
      endpoint: ref.id,
      type: e.kind === InputKind.BTN ? 'button' : 'key',
      code: e.code,
      down: false,
    });
  notify(
    'info',
    `Released ${held.entries.length} held on ${label(ref)}: ${held.entries.map((e) => keyName(e.code)).join(', ')}`,
  );
  await remoteQueryHeld(ref);
}

/** Presses a chord on a remote VM (down in order, up in reverse), each answered before the next. */
export async function remoteChord(ref: RemoteRef, codes: readonly number[]): Promise<void> {
  for (const code of codes) await remoteInput(ref, { endpoint: ref.id, type: 'key', code, down: true });
  for (const code of [...codes].reverse())
    await remoteInput(ref, { endpoint: ref.id, type: 'key', code, down: false });
}

/**
 * `host` revoked the INPUT lease of its VM `endpoint` (LEASE_REVOKED on its feed; `by` is the
 * preemptor's principal, 0 when the host took it; `byName` the control name that host gave).
 * When that VM is the one this console grabbed, the grab ends and the view says why, naming
 * the control as for a local VM (pure; null otherwise).
 */
export function reduceRemoteRevoked(
  s: FleetState,
  host: string,
  endpoint: number,
  by: number,
  byName?: string,
): Partial<FleetState> | null {
  const ref = { host, id: endpoint };
  if (!sameRef(s.grabbed, ref)) return null;
  const principal = byName ? `${byName} (principal ${by})` : `principal ${by}`;
  const who = by === 0 ? `host ${host} (holder gone)` : `${principal} on ${host}`;
  return {
    grabbed: null,
    pressed: [],
    preempted: { ...s.preempted, [refKey(ref)]: `INPUT lease on ${label(ref)} preempted by ${who}` },
  };
}

/** The gap row's text: `missed` events of `host` never got, and what its journal filled (they follow) or why not (pure). */
export function remoteGapNote(host: string, missed: number, fill?: GapFillView): string {
  const gap = `Gap: ${missed} ${missed === 1 ? 'event' : 'events'} of host ${host} missed (the fleet feed skipped them)`;
  if (!fill) return gap;
  if ('error' in fill) return `${gap}; not fetched from host ${host}'s journal: ${fill.error}`;
  const parts = [`${fill.filled} filled below from host ${host}'s journal`];
  if (fill.sampled > 0) parts.push(`${fill.sampled} its journal sampled away`);
  if (!fill.complete) parts.push('not all of them could be fetched from it');
  const rest = missed - fill.filled - fill.sampled; // left out uncounted, or its state sent again
  if (fill.complete && rest > 0) parts.push(`${rest} not in its journal or sent again as its state`);
  return `${gap}; ${parts.join(', ')}`;
}

/** Folds cursor reports of other hosts' feeds in: the newest per VM (pure; the old map when none). */
export function reduceRemoteCursors(
  prev: Record<string, CursorView>,
  reports: readonly { host: string; cursor: CursorView }[],
): Record<string, CursorView> {
  if (reports.length === 0) return prev;
  const out = { ...prev };
  for (const { host, cursor } of reports) out[refKey({ host, id: cursor.endpoint })] = cursor;
  return out;
}

/** Ungrab: release the keys this console holds, then give the INPUT lease back. */
export async function remoteUngrab(ref: RemoteRef): Promise<void> {
  await releaseRemotePressed(ref); // out on the host before the lease goes, or they would be dropped
  useFleet.setState({ grabbed: null, pressed: [] });
  await remoteRelease(ref, 'INPUT');
}

/** Remote releases sent and not yet out on their host. */
let remoteReleases: Promise<unknown> = Promise.resolve();

/**
 * Lets go of what the console pressed on the grabbed remote VM (or `ref` when it is the
 * grabbed one), newest first, and resolves once the owning host's input adapter sent them:
 * the keyboard left the screen (the key-ups would go elsewhere), or ungrab, which gives the
 * lease back only then (a release still waiting when it goes would be dropped).
 */
export async function releaseRemotePressed(ref?: RemoteRef): Promise<number> {
  const { grabbed, pressed } = useFleet.getState();
  // A blur or focus-out may have sent releases a moment ago: wait for those too.
  if (!grabbed || (ref && !sameRef(grabbed, ref)) || pressed.length === 0)
    return remoteReleases.then(() => 0);
  useFleet.setState({ pressed: [] });
  const sends = [...pressed].reverse().map((code) =>
    remoteInput(grabbed, {
      endpoint: grabbed.id,
      type: code >= 0x100 ? 'button' : 'key',
      code,
      down: false,
    }),
  );
  // As locally (release-on-leave.ts): the host's held-keys answer comes after its adapter
  // sent every input before it.
  const settled = Promise.all(sends).then(() =>
    getApi().invoke('fleet.query', { host: grabbed.host, endpoint: grabbed.id }),
  );
  remoteReleases = Promise.all([remoteReleases, settled]);
  await remoteReleases;
  return pressed.length;
}

/** A VM op on a remote VM; destructive ones hold that host's POWER lease around it. */
export async function remoteOp(ref: RemoteRef, op: VmOpName): Promise<void> {
  const destructive = op === 'reset' || op === 'powerdown' || op === 'quit';
  if (destructive && !(await remoteAcquire(ref, 'POWER'))) return;
  try {
    reply(
      `${op} ${label(ref)}`,
      await getApi().invoke('fleet.vmOp', { host: ref.host, endpoint: ref.id, op }),
    );
  } finally {
    if (destructive) await remoteRelease(ref, 'POWER');
  }
}
