/*
 * The contract between the core and an adapter: what an adapter declares when it claims a
 * seam, and the port the core hands back. Types only; the core implements the port.
 */
import type { EventInit, Prio, Source, VmsigEvent } from '../../shared/model';

/** An adapter's claim on one seam of one endpoint. */
export interface AdapterSpec {
  source: Source;
  endpoint: number;
  defaultPrio: Prio;
  codec: number;
  /** Receives gated commands for this seam; must not mutate the event. */
  handle(cmd: VmsigEvent): void;
}

/** What a registered adapter may do. */
export interface AdapterPort {
  /** Emits an UP event from this seam (source, dir, endpoint and stamps are set here). */
  emit(init: EventInit): VmsigEvent;
  /** Emits an UP event addressed to the command's origin, carrying its `corr`. */
  reply(cmd: VmsigEvent, init: EventInit): VmsigEvent;
  /** Replies ACT_ACK{ok = err === OK, err, cmd_kind, detail}. */
  ack(cmd: VmsigEvent, err: number, detail?: number): VmsigEvent;
  /** Gives the seam up; a seam that was up is reported down (CLOSED). */
  unregister(): void;
}
