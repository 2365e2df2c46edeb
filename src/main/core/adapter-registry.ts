/*
 * The core's adapter registry: which adapter owns which seam of which endpoint, the port
 * each one is handed (events stamped with its seam), and SEAM_DOWN when a reported seam is
 * given up. Routing and gating stay in the core; events go out through `route`.
 */
import {
  Dir,
  ErrorCode,
  type EventInit,
  Kind,
  Prio,
  type VmsigEvent,
  encodeActAck,
  makeEvent,
} from '../../shared/model';
import type { AdapterPort, AdapterSpec } from './adapter-port';

/** Kinds an adapter emits at URGENT unless it says otherwise. */
const URGENT_KINDS = new Set<number>([
  Kind.SEAM_DOWN,
  Kind.SEAM_UP,
  Kind.ERROR,
  Kind.VM_LIFECYCLE,
  Kind.MEMCTX_INVALIDATED,
]);

/** What the registry needs from the core. */
export interface RegistryHost {
  /** Stamps and routes an event. */
  route(ev: VmsigEvent): void;
  /** Whether the endpoint is declared. */
  hasEndpoint(id: number): boolean;
  /** Whether the seam was reported up (SEAM_UP seen and not yet down). */
  seamReported(endpoint: number, source: number): boolean;
}

interface AdapterEntry {
  spec: AdapterSpec;
  active: boolean;
}

const keyOf = (endpoint: number, source: number): number => endpoint * 16 + source;

/** Seam owners, one per (endpoint, source). */
export class AdapterRegistry {
  private readonly adapters = new Map<number, AdapterEntry>();

  constructor(private readonly host: RegistryHost) {}

  /** Claims a seam of an endpoint for an adapter. Throws when another adapter owns it. */
  register(spec: AdapterSpec): AdapterPort {
    const k = keyOf(spec.endpoint, spec.source);
    if (!this.host.hasEndpoint(spec.endpoint)) throw new Error(`endpoint ${spec.endpoint} is not declared`);
    if (this.adapters.get(k)?.active)
      throw new Error(`seam ${spec.source} of endpoint ${spec.endpoint} is already owned`);
    const entry: AdapterEntry = { spec, active: true };
    this.adapters.set(k, entry);
    // Fields are assigned after makeEvent rather than spread into it: V8 (Node 20) takes a
    // slow runtime path for `{ ...init, newKey }`, which made emit ~50x slower (bench/core).
    const emit = (init: EventInit, replyTo?: VmsigEvent): VmsigEvent => {
      if (!entry.active) throw new Error('adapter is unregistered');
      const ev = makeEvent(init);
      ev.source = spec.source;
      ev.dir = Dir.UP;
      ev.endpoint = spec.endpoint;
      ev.prio = init.prio ?? (URGENT_KINDS.has(init.kind) ? Prio.URGENT : spec.defaultPrio);
      if (replyTo) {
        ev.origin = replyTo.origin;
        ev.corr = replyTo.corr;
      }
      this.host.route(ev);
      return ev;
    };
    return {
      emit: (init) => emit(init),
      reply: (cmd, init) => emit(init, cmd),
      ack: (cmd, err, detail = 0) =>
        emit(
          {
            kind: Kind.ACT_ACK,
            inln: encodeActAck({ ok: err === ErrorCode.OK ? 1 : 0, err, cmdKind: cmd.kind, detail }),
          },
          cmd,
        ),
      unregister: () => this.drop(k, entry),
    };
  }

  /** The active owner of a seam, if any. */
  owner(endpoint: number, source: number): AdapterSpec | undefined {
    const entry = this.adapters.get(keyOf(endpoint, source));
    return entry?.active ? entry.spec : undefined;
  }

  /** Unregisters every adapter of an endpoint (reported seams go down). */
  dropEndpoint(endpoint: number): void {
    for (const [k, entry] of this.adapters) if (entry.spec.endpoint === endpoint) this.drop(k, entry);
  }

  private drop(k: number, entry: AdapterEntry): void {
    if (!entry.active) return;
    const { endpoint, source } = entry.spec;
    const wasUp = this.host.seamReported(endpoint, source);
    entry.active = false;
    if (this.adapters.get(k) === entry) this.adapters.delete(k);
    if (wasUp) {
      const inln = new Uint8Array(48);
      inln[0] = source;
      inln[4] = 2; // SeamReason.CLOSED
      this.host.route(
        makeEvent({ kind: Kind.SEAM_DOWN, source, dir: Dir.UP, endpoint, prio: Prio.URGENT, inln }),
      );
    }
  }
}
