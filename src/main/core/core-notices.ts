/*
 * Events the core itself addresses to one control: the DROPPED notice of §7 and the
 * refusal of a sensor report. Builders only; the core stamps and delivers them.
 */
import {
  Dir,
  ErrorCode,
  type EventInit,
  Kind,
  Prio,
  Source,
  type VmsigEvent,
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
