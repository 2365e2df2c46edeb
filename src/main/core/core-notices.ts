/*
 * Events the core itself addresses to one control: the DROPPED notice of §7, the
 * refusal of a command (ACT_ACK{ok=0}) and of a sensor report. Builders only; the core
 * stamps and delivers them.
 */
import {
  Dir,
  ErrorCode,
  type EventInit,
  Kind,
  Prio,
  Source,
  type VmsigEvent,
  encodeActAck,
  encodeErrorInl,
  makeEvent,
} from '../../shared/model';

/** ERROR{DROPPED, detail = count} for a control whose BULK/NORMAL queue overflowed. */
export function droppedNotice(controlId: number, count: number): VmsigEvent {
  return makeEvent({
    kind: Kind.ERROR,
    source: Source.CORE,
    dir: Dir.UP,
    prio: Prio.URGENT,
    origin: controlId,
    inln: encodeErrorInl({ code: ErrorCode.DROPPED, detail: count, msg: `${count} events dropped` }),
  });
}

/** ERROR{err, detail = CURSOR_STATE} answering a refused sensor report. */
export function sensorRefusal(controlId: number, ev: VmsigEvent, err: number): EventInit {
  return {
    kind: Kind.ERROR,
    endpoint: ev.endpoint,
    origin: controlId,
    corr: ev.corr,
    prio: Prio.NORMAL,
    inln: encodeErrorInl({ code: err, detail: Kind.CURSOR_STATE, msg: 'cursor refused' }),
  };
}

/** ACT_ACK{ok=0, err} answering a refused command, carrying its corr. */
export function commandRefusal(controlId: number, ev: VmsigEvent, err: number): EventInit {
  return {
    kind: Kind.ACT_ACK,
    endpoint: ev.endpoint,
    corr: ev.corr,
    origin: controlId,
    inln: encodeActAck({ ok: 0, err, cmdKind: ev.kind, detail: 0 }),
  };
}
