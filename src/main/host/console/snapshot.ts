/*
 * Builds the UI's Snapshot from the core (leases, controls), the host (VMs) and the
 * event-derived tracker. Pure reads: it never changes core or host state.
 */
import type { ControlView, LeaseView, Snapshot, VmView } from '../../../shared/ipc';
import { Dir, Kind, LeaseClass, Prio, capNames, nameOf } from '../../../shared/model';
import { type Control, type EndpointMask, maskHas } from '../../core';
import type { ConsoleHostPort } from './host-port';
import type { StateTracker } from './state-tracker';

/** Endpoint ids 1..63 in a mask. */
export function maskIds(m: EndpointMask): number[] {
  const out: number[] = [];
  for (let i = 1; i <= 63; i++) if (maskHas(m, i)) out.push(i);
  return out;
}

function kindsOf(set: Uint8Array): string[] | 'all' {
  if (set.every((b) => b === 0xff)) return 'all';
  const names: string[] = [];
  for (const [name, k] of Object.entries(Kind))
    if (k > 0 && ((set[k >> 3]! >>> (k & 7)) & 1) === 1) names.push(name);
  return names;
}

function controlView(c: Control, selfId: number): ControlView {
  const r = c.requested;
  const ids = r ? maskIds(r.endpoints) : [];
  return {
    id: c.id,
    name: c.spec.name,
    principal: c.spec.principal,
    caps: capNames(c.spec.caps),
    grant: maskIds(c.spec.grant),
    leasePrio: c.spec.leasePrio,
    subscription: r
      ? {
          kinds: kindsOf(r.kinds),
          dirs: [Dir.UP, Dir.DOWN].filter((d) => ((r.dirs >>> d) & 1) === 1).map((d) => nameOf(Dir, d)),
          prioMin: nameOf(Prio, r.prioMin),
          endpoints: ids.length === 63 ? 'all' : ids,
        }
      : null,
    queued: c.queued,
    delivered: c.delivered,
    dropped: c.droppedTotal,
    self: c.id === selfId,
  };
}

/** The whole snapshot as of now; `vncUrl` names a VM's display for the renderer (null: none now). */
export function buildSnapshot(
  host: ConsoleHostPort,
  tracker: StateTracker,
  selfId: number,
  vncUrl: (vmId: number) => string,
): Snapshot {
  const core = host.core;
  const controls = core.controls();
  const self = controls.find((c) => c.id === selfId);
  const nowNs = host.nowNs();
  const nowMs = Date.now();
  const vms: VmView[] = host.vms().map((vm) => ({
    id: vm.id,
    name: vm.name,
    kind: vm.kind,
    host: vm.state,
    lifecycle: tracker.lifecycleOf(vm.id),
    seams: tracker.seamsOf(vm.id),
    error: vm.error,
    vnc: vm.vnc ? vncUrl(vm.id) : null,
    serialPath: vm.serialPath,
    accel: vm.accel ?? null,
    accelReason: vm.accelReason ?? null,
    silentForS: vm.bootStatus === 'silent' ? (vm.silentForS ?? 0) : null,
  }));
  const leases: LeaseView[] = core.arbiter.list().map((row) => {
    const holder = controls.find((c) => c.id === row.holder.controlId);
    return {
      endpoint: row.endpoint,
      cls: nameOf(LeaseClass, row.cls) as LeaseView['cls'],
      controlId: row.holder.controlId,
      controlName: holder?.spec.name ?? `control ${row.holder.controlId}`,
      principal: row.holder.principal,
      prio: row.holder.prio,
      sinceNs: row.holder.sinceNs,
      sinceMs: Math.round(nowMs - (nowNs - row.holder.sinceNs) / 1e6),
      mine: row.holder.controlId === selfId,
    };
  });
  return {
    self: {
      controlId: selfId,
      principal: self?.spec.principal ?? 0,
      name: self?.spec.name ?? '',
      caps: self ? capNames(self.spec.caps) : [],
    },
    vms,
    leases,
    controls: controls.map((c) => controlView(c, selfId)),
    cursors: tracker.allCursors(),
    held: tracker.allHeld(),
    readiness: host.readiness(),
    clock: { ns: nowNs, ms: nowMs },
  };
}
