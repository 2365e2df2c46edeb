/*
 * The one place pushes from main enter the stores: snapshots are split per domain, event
 * batches go into the timeline ring (and are scanned for revocations of the console's own
 * leases). Components never subscribe to the API themselves.
 */
import type { Snapshot } from '../../shared/ipc';
import { forEachEventRecord } from '../../shared/ipc-records';
import { Kind, LeaseClass, decodeLeaseReq, nameOf } from '../../shared/model';
import { getApi, onConnection } from '../api';
import { nameOfPrincipal, useControls } from './controls';
import { reduceCursors, useCursor } from './cursor';
import { reduceHeld, useInput } from './input';
import { historyNotStarted, loadHistoryPage } from './history';
import { useLeases } from './leases';
import { notify, useNotices } from './notices';
import { scheduleTimelineFrame, timelineData } from './timeline';
import { reduceSnapshot, useVms } from './vms';

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
  else useVms.setState({ clock: snap.clock });
  if (changed('leases', snap.leases)) useLeases.setState({ leases: snap.leases });
  if (changed('controls', snap.controls)) useControls.setState({ controls: snap.controls });
  useCursor.setState((s) => ({ cursors: reduceCursors(s.cursors, snap.cursors) }));
  if (changed('held', snap.held)) useInput.setState({ held: reduceHeld(snap.held) });
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

/** Starts feeding the stores; returns the disposer. */
export function startFeed(): () => void {
  const api = getApi();
  const offSnap = api.on('snapshot', applySnapshot);
  const offEvents = api.on('events', (batch) => {
    const self = useVms.getState().self?.controlId ?? -1;
    forEachEventRecord(batch, (body, origin) => {
      timelineData.ring.push(body, origin);
      if (origin === self && body[0] === Kind.LEASE_REVOKED) {
        const endpoint = new DataView(body.buffer, body.byteOffset + 16, 4).getUint32(0, true);
        onRevoked(endpoint, body.subarray(48, 96));
      }
    });
    scheduleTimelineFrame();
  });
  const load = (): void => {
    void api.invoke('state.snapshot', {}).then((r) => {
      if (r.ok) applySnapshot(r.value);
      else notify('error', `cannot load state: ${r.error.message}`);
    });
    // The host takes this renderer's history/live mark as it enables the stream, so the
    // first history page is asked for only once that answered. A reconnect keeps what the
    // ring holds (events while disconnected are a gap, as before) and its paging cursor.
    void api.invoke('events.subscribe', { enabled: true }).then((r) => {
      if (r.ok && historyNotStarted()) void loadHistoryPage();
    });
  };
  const offConn = onConnection((connected) => {
    useVms.setState({ connected });
    if (connected) load();
  });
  if (window.vmsig) {
    useVms.setState({ connected: true });
    load();
  }
  return () => {
    offSnap();
    offEvents();
    offConn();
  };
}
