/*
 * The shapes of QMP messages as they arrive on the wire (greeting, reply, error, event).
 * Types and a classifier only: no I/O, no state.
 */

/** The greeting QEMU sends first: version and offered capabilities. */
export interface QmpGreeting {
  QMP: {
    version: { qemu: { major: number; minor: number; micro: number }; package: string };
    capabilities: string[];
  };
}

/** An asynchronous event such as STOP, RESUME, SHUTDOWN, POWERDOWN. */
export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp: { seconds: number; microseconds: number };
}

/** Every message QEMU can send, classified by its top-level key. */
export type QmpMessage =
  | { type: 'greeting'; greeting: QmpGreeting }
  | { type: 'return'; id: unknown; value: unknown }
  | { type: 'error'; id: unknown; errorClass: string; desc: string }
  | { type: 'event'; event: QmpEvent }
  | { type: 'unknown'; raw: unknown };

/** Classifies a parsed JSON value; never throws. */
export function classify(raw: unknown): QmpMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { type: 'unknown', raw };
  const m = raw as Record<string, unknown>;
  if ('QMP' in m) return { type: 'greeting', greeting: m as unknown as QmpGreeting };
  if ('return' in m) return { type: 'return', id: m.id, value: m.return };
  if ('error' in m && typeof m.error === 'object' && m.error !== null) {
    const e = m.error as Record<string, unknown>;
    return {
      type: 'error',
      id: m.id,
      errorClass: String(e.class ?? 'GenericError'),
      desc: String(e.desc ?? ''),
    };
  }
  if (typeof m.event === 'string') return { type: 'event', event: m as unknown as QmpEvent };
  return { type: 'unknown', raw };
}
