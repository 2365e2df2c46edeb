/*
 * The console's picture of the other hosts of the fleet (docs/fleet.md §9), from what the
 * bus carries and nothing else: presence (`up`) says which hosts are there and their VMs,
 * the feed (`evt`) their seams, lifecycle and leases, and a `state` answer what a late
 * joiner missed. Pure: time comes in as `now()`, so the 2 s rule is tested on a fake clock.
 */
import { Kind, LeaseClass, type VmsigEvent, decodeLeaseReq, nameOf } from '../../shared/model';
import { unpackEventRecords } from '../../shared/ipc-records';
import type { FleetSnapshot, RemoteHostView } from '../../shared/ipc';
import { StateTracker } from '../host/console/state-tracker';
import { TOKEN } from './subjects';
import { DEFAULT_LAYOUT } from '../host/keymap';

/** A host whose presence has been silent this long is shown unreachable (presence comes every 1 s). */
export const UNREACHABLE_MS = 1500;

/** A VM as its host's presence names it. */
interface RemoteVm {
  name: string;
  state: string;
  /** Its keyboard layout (a QEMU keymap name), for the console's paste. */
  layout: string;
}

interface Holder {
  controlId: number;
  controlName: string;
  principal: number;
}

interface HostState {
  name: string;
  run: string;
  lastUpMs: number | null;
  reachable: boolean;
  /** A `state` answer is owed (new host, new run, or our own link came back). */
  needState: boolean;
  /** The seq the last `state` answer was current to: older feed events are already in it. */
  stateSeq: number;
  tracker: StateTracker;
  vms: Map<number, RemoteVm>;
  /** `endpoint:CLASS` → holder. */
  leases: Map<string, Holder>;
  names: Map<number, { name: string; principal: number }>;
  /** The newest seq passed on to the timeline: a replay of older events is not shown twice. */
  timelineSeq: number;
  /** Feed events that came while a state answer was owed: those after it are applied once it comes. */
  held: VmsigEvent[];
}

/** Feed events kept per host while its state answer is on its way. */
const HELD_MAX = 4096;

const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const text = (v: unknown, max = 64): string | null => (typeof v === 'string' && v.length <= max ? v : null);

/** The VM list of a presence or state body; malformed entries are skipped, never thrown on. */
function vmList(v: unknown): Map<number, RemoteVm> | null {
  if (!Array.isArray(v)) return null;
  const out = new Map<number, RemoteVm>();
  for (const e of v.slice(0, 64)) {
    const o = obj(e);
    const id = int(o?.id);
    if (!o || id === null || id < 1 || id > 63) continue;
    out.set(id, {
      name: text(o.name) ?? `VM ${id}`,
      state: text(o.state, 32) ?? 'unknown',
      // A host before the layout was announced says nothing: its default.
      layout: text(o.layout, 16) ?? DEFAULT_LAYOUT,
    });
  }
  return out;
}

/** Every other host as the bus describes it. */
export class FleetView {
  private readonly hosts = new Map<string, HostState>();
  connected = false;

  constructor(
    /** This host's own fleet name: its own presence is not a remote host. */
    readonly self: string,
    private readonly now: () => number,
  ) {}

  /** A presence message. Returns true when the host's state should be asked for. */
  presence(host: string, body: unknown): boolean {
    const o = obj(body);
    const run = text(o?.run);
    const vms = vmList(o?.vms);
    if (host === this.self || !TOKEN.test(host) || !o || run === null || !vms) return false;
    let h = this.hosts.get(host);
    if (!h || h.run !== run) {
      // New host, or the host restarted: nothing known of the old run holds.
      h = this.fresh(host, run);
      this.hosts.set(host, h);
    }
    h.lastUpMs = this.now();
    h.reachable = true;
    for (const id of h.vms.keys()) if (!vms.has(id)) h.tracker.forget(id);
    h.vms = vms;
    return h.needState;
  }

  /** A `state` answer (docs/fleet.md §2); true when it was taken. */
  state(host: string, body: unknown): boolean {
    const o = obj(body);
    const h = this.hosts.get(host);
    const seq = int(o?.seq);
    if (!h || !o || o.run !== h.run || seq === null || typeof o.events !== 'string') return false;
    h.tracker = new StateTracker();
    for (const ev of unpackEventRecords(new Uint8Array(Buffer.from(o.events, 'base64')))) h.tracker.apply(ev);
    h.leases.clear();
    for (const l of Array.isArray(o.leases) ? o.leases.slice(0, 256) : []) {
      const r = obj(l);
      const ep = int(r?.endpoint);
      const id = int(r?.controlId);
      const cls = text(r?.cls, 16);
      if (!r || ep === null || id === null || !cls) continue;
      const holder = {
        controlId: id,
        controlName: text(r.controlName) ?? `control ${id}`,
        principal: int(r.principal) ?? 0,
      };
      h.names.set(id, { name: holder.controlName, principal: holder.principal });
      h.leases.set(`${ep}:${cls}`, holder);
    }
    const vms = vmList(o.vms);
    if (vms) h.vms = vms;
    h.stateSeq = seq;
    h.needState = false;
    const held = h.held;
    h.held = [];
    for (const ev of held) this.event(host, ev);
    return true;
  }

  /**
   * Whether a feed event of `host` is new for the timeline (exactly once per host run: a
   * host's replay after it reconnects repeats seqs already shown).
   */
  newForTimeline(host: string, ev: VmsigEvent): boolean {
    const h = this.hosts.get(host);
    if (!h || ev.seq <= h.timelineSeq) return false;
    h.timelineSeq = ev.seq;
    return true;
  }

  /** The newest seq of `host` passed on to the timeline this run (-1: none). */
  timelineSeqOf(host: string): number {
    return this.hosts.get(host)?.timelineSeq ?? -1;
  }

  /** A feed event of `host`. Returns whether the view changed; `ask` is set when a state answer is owed. */
  event(host: string, ev: VmsigEvent): { changed: boolean; ask: boolean } {
    const h = this.hosts.get(host);
    // Before presence we do not know the run; the state answer that follows will cover it.
    if (!h) return { changed: false, ask: false };
    if (h.needState) {
      if (h.held.length < HELD_MAX) h.held.push(ev);
      return { changed: false, ask: false };
    }
    if (ev.seq <= h.stateSeq) return { changed: false, ask: false };
    if (ev.kind >= Kind.LEASE_GRANTED && ev.kind <= Kind.LEASE_REVOKED) {
      const cls = nameOf(LeaseClass, decodeLeaseReq(ev.inln).cls);
      const key = `${ev.endpoint}:${cls}`;
      if (ev.kind === Kind.LEASE_GRANTED) {
        const known = h.names.get(ev.origin);
        h.leases.set(key, {
          controlId: ev.origin,
          controlName: known?.name ?? `control ${ev.origin}`,
          principal: known?.principal ?? 0,
        });
        // A holder we cannot name yet: its host tells us who it is.
        if (!known) h.needState = true;
        return { changed: true, ask: !known };
      }
      if (ev.kind === Kind.LEASE_RELEASED || ev.kind === Kind.LEASE_REVOKED) {
        // The wire body carries no origin (it is 0 here), so the holder cannot be compared:
        // the core emits these only for the lease's holder, after which the lease is free
        // until the next LEASE_GRANTED (a preemption's grant comes after its revocation).
        if (!h.leases.delete(key)) return { changed: false, ask: false };
        return { changed: true, ask: false };
      }
      return { changed: false, ask: false };
    }
    // Cursor moves are not shown in the fleet list; they would only churn snapshots.
    return { changed: ev.kind !== Kind.CURSOR_STATE && h.tracker.apply(ev), ask: false };
  }

  /** Marks hosts silent for UNREACHABLE_MS unreachable; true when any changed. */
  sweep(): boolean {
    let changed = false;
    for (const h of this.hosts.values()) {
      const silent = h.lastUpMs === null || this.now() - h.lastUpMs > UNREACHABLE_MS;
      if (silent && h.reachable) {
        h.reachable = false;
        changed = true;
      }
    }
    return changed;
  }

  /**
   * The bus said `host` has no subscriber on its own subjects ("no responders"): it left
   * the bus (killed, or its link broke), which the server knows before its `up` falls
   * silent. True when that changed the view; its next `up` brings it back.
   */
  gone(host: string): boolean {
    const h = this.hosts.get(host);
    if (!h?.reachable) return false;
    h.reachable = false;
    h.lastUpMs = null;
    return true;
  }

  /** Hosts shown reachable now. */
  reachableHosts(): string[] {
    return [...this.hosts.values()].filter((h) => h.reachable).map((h) => h.name);
  }

  /** Our own link to NATS came back: every host's state is asked for again (we may have missed events). */
  resync(): string[] {
    for (const h of this.hosts.values()) h.needState = true;
    return [...this.hosts.keys()];
  }

  /** Hosts whose state answer is owed. */
  owed(): string[] {
    return [...this.hosts.values()].filter((h) => h.needState && h.reachable).map((h) => h.name);
  }

  /** The view for the UI; `mine(host)` is the console's own control id on that host (0: none). */
  snapshot(mine: (host: string) => number): FleetSnapshot {
    const hosts: RemoteHostView[] = [...this.hosts.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((h) => ({
        name: h.name,
        reachable: h.reachable,
        silentMs: h.lastUpMs === null ? null : Math.max(0, Math.round(this.now() - h.lastUpMs)),
        vms: [...h.vms.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([id, vm]) => ({
            id,
            name: vm.name,
            // A host that went silent cannot vouch for its VMs: shown down, not as last heard.
            host: h.reachable ? vm.state : 'unreachable',
            lifecycle: h.reachable ? h.tracker.lifecycleOf(id) : 'UNKNOWN',
            layout: vm.layout,
            seams: h.reachable ? h.tracker.seamsOf(id) : [],
            leases: [...h.leases.entries()]
              .filter(([k]) => k.startsWith(`${id}:`))
              .map(([k, l]) => ({
                cls: k.slice(k.indexOf(':') + 1),
                controlName: l.controlName,
                principal: l.principal,
                mine: l.controlId === mine(h.name) && l.controlId !== 0,
              })),
          })),
      }));
    return { self: this.self, connected: this.connected, hosts };
  }

  private fresh(name: string, run: string): HostState {
    return {
      name,
      run,
      lastUpMs: null,
      reachable: true,
      needState: true,
      stateSeq: -1,
      tracker: new StateTracker(),
      vms: new Map(),
      leases: new Map(),
      names: new Map(),
      held: [],
      timelineSeq: -1,
    };
  }
}
