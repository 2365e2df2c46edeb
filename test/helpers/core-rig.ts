/*
 * A signaling core wired the way the host wires it (endpoints, adapters with seams up,
 * controls with sinks), for the core's tests and the benchmarks. It only drives the
 * public Core API; it never reaches into the core's internals.
 */
import {
  Dir,
  type EventInit,
  INLINE_SIZE,
  ALL_CAPS,
  Kind,
  Prio,
  Source,
  type VmsigEvent,
  encodeLeaseReq,
  encodeSeam,
  makeEvent,
} from '../../src/shared/model';
import {
  type AdapterPort,
  type ControlSpec,
  Core,
  type EndpointMask,
  ManualClock,
  type QueueLimits,
  type SubscriptionFilter,
  allEvents,
  maskOf,
} from '../../src/main/core';

/** A core on a manual clock with endpoints declared. */
export interface Rig {
  core: Core;
  clock: ManualClock;
}

/** Builds a core with endpoints `endpoints` (named vm<id>). */
export function newRig(opts: { endpoints?: number[]; limits?: QueueLimits } = {}): Rig {
  const clock = new ManualClock(1_000);
  const core = new Core({ clock, queueLimits: opts.limits });
  for (const ep of opts.endpoints ?? [1, 2]) core.addEndpoint(ep, `vm${ep}`);
  return { core, clock };
}

/** A registered adapter and every command it was handed. */
export interface RigSeam {
  port: AdapterPort;
  handled: VmsigEvent[];
}

/**
 * Claims (endpoint, source) for an adapter that hands each command to `handle` (by default
 * it drops them) and reports nothing: the caller decides whether a SEAM_UP is part of its run.
 */
export function claimSeam(
  core: Core,
  endpoint: number,
  source: Source,
  opts: { prio?: Prio; handle?: (cmd: VmsigEvent, port: AdapterPort) => void } = {},
): AdapterPort {
  const port: AdapterPort = core.registerAdapter({
    source,
    endpoint,
    defaultPrio: opts.prio ?? Prio.NORMAL,
    codec: 0,
    handle: (cmd) => opts.handle?.(cmd, port),
  });
  return port;
}

/** Registers an adapter on (endpoint, source) and reports its seam up. */
export function addSeam(
  core: Core,
  endpoint: number,
  source: Source,
  defaultPrio: Prio = Prio.NORMAL,
): RigSeam {
  const handled: VmsigEvent[] = [];
  const port = claimSeam(core, endpoint, source, {
    prio: defaultPrio,
    handle: (cmd) => void handled.push(cmd),
  });
  port.emit({ kind: Kind.SEAM_UP, inln: encodeSeam({ seam: source, reason: 0 }) });
  return { port, handled };
}

/** A control as a transport sees it: wake-ups, close notices and a pull-based inbox. */
export interface RigControl {
  id: number;
  spec: ControlSpec;
  wakes: number;
  closed: { code: number; reason: string }[];
  /** Drains up to `max` events (everything by default). */
  take(max?: number): VmsigEvent[];
  /** Submits `ev` as this control. */
  send(ev: VmsigEvent): ReturnType<Core['submit']>;
  /** Replaces the subscription. */
  subscribe(filter: SubscriptionFilter): void;
}

/** Attaches a control; defaults: every cap, grant on 0..63, lease prio 1, principal 100 + id. */
export function attach(core: Core, spec: Partial<ControlSpec> = {}): RigControl {
  const full: ControlSpec = {
    name: spec.name ?? 'ctl',
    principal: spec.principal ?? 0,
    caps: spec.caps ?? ALL_CAPS,
    grant: spec.grant ?? ({ lo: 0xffffffff, hi: 0xffffffff } satisfies EndpointMask),
    leasePrio: spec.leasePrio ?? 1,
  };
  const rc: RigControl = {
    id: 0,
    spec: full,
    wakes: 0,
    closed: [],
    take(max = Infinity) {
      const out: VmsigEvent[] = [];
      core.drain(rc.id, (ev) => {
        out.push(ev);
        return out.length < max;
      });
      return out;
    },
    send: (ev) => core.submit(rc.id, ev),
    subscribe: (filter) => core.subscribe(rc.id, filter),
  };
  rc.id = core.attachControl(full, {
    wake: () => void rc.wakes++,
    closed: (code, reason) => void rc.closed.push({ code, reason }),
  });
  if (full.principal === 0) full.principal = 100 + rc.id;
  return rc;
}

/** A DOWN command from a control (source CONTROL, prio HIGH unless given). */
export function cmd(kind: number, endpoint: number, init: Partial<EventInit> = {}): VmsigEvent {
  return makeEvent({ source: Source.CONTROL, dir: Dir.DOWN, prio: Prio.HIGH, ...init, kind, endpoint });
}

/** A lease command (CMD_ACQUIRE / CMD_RELEASE / CMD_LEASE_STATUS) for class `cls`. */
export function leaseCmd(kind: number, endpoint: number, cls: number, corr = 0): VmsigEvent {
  return cmd(kind, endpoint, { corr, inln: encodeLeaseReq({ cls, reason: 0 }) });
}

/** A filter admitting everything on the given endpoints (default: all). */
export function everything(
  endpoints: number[] = Array.from({ length: 64 }, (_, i) => i),
): SubscriptionFilter {
  return allEvents(maskOf(endpoints));
}

/** A zeroed inline zone. */
export const emptyInline = (): Uint8Array => new Uint8Array(INLINE_SIZE);
