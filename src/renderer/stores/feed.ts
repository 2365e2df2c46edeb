/*
 * The one place pushes from main enter the stores: snapshots are split per domain, event
 * batches go into the timeline ring (and are scanned for revocations of the console's own
 * leases). Components never subscribe to the API themselves.
 */
import type { CursorView, Snapshot } from '../../shared/ipc';
import { forEachEventRecord } from '../../shared/ipc-records';
import {
  ErrorCode,
  Kind,
  LeaseClass,
  decodeCursor,
  decodeErrorInl,
  decodeLeaseReq,
  eventInline,
  eventU32,
  decodeVmState,
  nameOf,
} from '../../shared/model';
import { getApi, onConnection } from '../api';
import { nameOfPrincipal, useControls } from './controls';
import { reduceCursors, useCursor } from './cursor';
import { reduceHeld, useInput } from './input';
import { historyNotStarted, loadHistoryPage } from './history';
import { useLeases } from './leases';
import { connectionLost, holdBatch, subscribeLive } from './live-session';
import { notify, useNotices } from './notices';
import { scheduleTimelineFrame, timelineData } from './timeline';
import { reduceSnapshot, useVms, withClock } from './vms';
import {
  reduceFleet,
  reduceRemoteCursors,
  reduceRemoteRevoked,
  refKey,
  remoteGapNote,
  useFleet,
} from './fleet';
import { RowKind } from '../timeline/event-ring';

const lastSlice = new Map<string, string>();

/** Whether a snapshot slice differs from the last one seen (so unchanged slices keep their objects and subscribers stay quiet). */
function changed(name: string, value: unknown): boolean {
  const json = JSON.stringify(value);
  if (lastSlice.get(name) === json) return false;
  lastSlice.set(name, json);
  return true;
}

/** Folds a snapshot into every store, touching only the slices that changed. */
export function applySnapshot(snap: Snapshot): void {
  if (changed('vms', [snap.vms, snap.readiness, snap.self])) useVms.setState((s) => reduceSnapshot(s, snap));
  else useVms.setState((s) => withClock(s, snap.clock));
  if (changed('leases', snap.leases)) useLeases.setState({ leases: snap.leases });
  if (changed('controls', snap.controls)) useControls.setState({ controls: snap.controls });
  useCursor.setState((s) => ({ cursors: reduceCursors(s.cursors, snap.cursors) }));
  if (changed('held', snap.held)) useInput.setState({ held: reduceHeld(snap.held) });
  if (changed('fleet', snap.fleet ?? null)) useFleet.setState((s) => reduceFleet(s, snap.fleet ?? null));
}

function onRevoked(endpoint: number, inln: Uint8Array): void {
  const { cls, reason: byPrincipal } = decodeLeaseReq(inln);
  const vm = useVms.getState().vms.find((v) => v.id === endpoint);
  const by =
    byPrincipal === 0
      ? 'the host (holder gone)'
      : nameOfPrincipal(useControls.getState().controls, byPrincipal);
  const text = `${nameOf(LeaseClass, cls)} lease on ${vm?.name ?? `VM ${endpoint}`} preempted by ${by}`;
  notify('warn', text);
  if (cls === LeaseClass.INPUT) {
    useNotices.setState((s) => ({ preempted: { ...s.preempted, [endpoint]: text } }));
    const input = useInput.getState();
    if (input.grabbed === endpoint) useInput.setState({ grabbed: null, pressed: [] });
  }
}

/** Lifecycle changes and lease grants/ends for the activity strip (rare events: a view each is fine). */
function noteActivity(body: Uint8Array, origin: number, now: number): void {
  const kind = eventU32(body, 'kind');
  const endpoint = eventU32(body, 'endpoint');
  const inln = eventInline(body);
  if (kind === Kind.VM_LIFECYCLE)
    timelineData.activity.mark({ ms: now, endpoint, state: decodeVmState(inln).state });
  else if (kind !== Kind.LEASE_DENIED)
    timelineData.activity.lease(kind, endpoint, decodeLeaseReq(inln).cls, origin, now);
}

/**
 * Another host revoked a lease: a grab of ours there ends, with the preemption said by the
 * control name that host gave (`names`, by principal), as a local one is.
 */
function onRemoteRevoked(host: string, body: Uint8Array, names: Record<string, string> | undefined): void {
  const { cls, reason: by } = decodeLeaseReq(eventInline(body));
  if (cls !== LeaseClass.INPUT) return;
  const id = eventU32(body, 'endpoint');
  const next = reduceRemoteRevoked(useFleet.getState(), host, id, by, names?.[String(by)]);
  if (!next) return;
  useFleet.setState(next);
  notify('warn', next.preempted?.[refKey({ host, id })] ?? 'INPUT lease preempted');
}

/** A CURSOR_STATE body as the overlay's view. */
function cursorOf(body: Uint8Array): CursorView {
  const c = decodeCursor(eventInline(body));
  return { endpoint: eventU32(body, 'endpoint'), x: c.x, y: c.y, visible: c.visible === 1, seq: c.seq };
}

/** Starts feeding the stores; returns the disposer. */
export function startFeed(): () => void {
  const api = getApi();
  const offSnap = api.on('snapshot', applySnapshot);
  const ingest = (batch: Uint8Array): void => {
    const self = useVms.getState().self?.controlId ?? -1;
    const ring = timelineData.ring;
    const activity = timelineData.activity;
    const now = Date.now();
    activity.tick(now);
    forEachEventRecord(batch, (body, origin) => {
      ring.push(body, origin);
      const kind = eventU32(body, 'kind');
      activity.count(kind, eventU32(body, 'dir'));
      if (kind === Kind.VM_LIFECYCLE || (kind >= Kind.LEASE_GRANTED && kind <= Kind.LEASE_REVOKED))
        noteActivity(body, origin, now);
      if (kind === Kind.LEASE_REVOKED && origin === self) {
        onRevoked(eventU32(body, 'endpoint'), eventInline(body));
      } else if (kind === Kind.ERROR) {
        const err = decodeErrorInl(eventInline(body));
        // The core dropped events on their way to this console (§7): say so in the rows.
        if (err.code === ErrorCode.DROPPED)
          ring.pushGap(`Gap: ${err.detail} events the core dropped for this console are missing`);
      }
    });
    scheduleTimelineFrame();
  };
  const offEvents = api.on('events', (batch) => {
    if (!holdBatch(batch)) ingest(batch);
  });
  // Other fleet hosts' events: rows of the same timeline, tagged with their host.
  const offFleet = api.on('fleetEvents', (list) => {
    const cursors: { host: string; cursor: CursorView }[] = [];
    for (const { host, records, missed, fill, preemptors } of list) {
      if (missed) timelineData.ring.pushGap(remoteGapNote(host, missed, fill));
      const bytes = Uint8Array.from(atob(records), (c) => c.charCodeAt(0));
      forEachEventRecord(bytes, (body, origin) => {
        timelineData.ring.push(body, origin, RowKind.EVENT, host);
        const kind = eventU32(body, 'kind');
        if (kind === Kind.CURSOR_STATE) cursors.push({ host, cursor: cursorOf(body) });
        else if (kind === Kind.LEASE_REVOKED) onRemoteRevoked(host, body, preemptors);
      });
    }
    // The newest report per VM, once per batch: a burst of moves is one store update.
    if (cursors.length) useFleet.setState((s) => ({ cursors: reduceRemoteCursors(s.cursors, cursors) }));
    scheduleTimelineFrame();
  });
  const load = (): void => {
    void api.invoke('state.snapshot', {}).then((r) => {
      if (r.ok) applySnapshot(r.value);
      else notify('error', `cannot load state: ${r.error.message}`);
    });
    // The host takes this renderer's history/live mark as it enables the stream, so the
    // first history page is asked for only once that answered. A reconnect keeps what the
    // ring holds and its paging cursor; live-session.ts loads what was missed meanwhile.
    void subscribeLive(ingest).then((ok) => {
      if (ok && historyNotStarted()) void loadHistoryPage();
    });
  };
  const offConn = onConnection((connected) => {
    useVms.setState({ connected });
    if (connected) load();
    else connectionLost();
  });
  if (window.vmsig) {
    useVms.setState({ connected: true });
    load();
  }
  return () => {
    offSnap();
    offEvents();
    offFleet();
    offConn();
  };
}
