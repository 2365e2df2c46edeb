/*
 * Translates one neutral vmsig_input into the QMP `input-send-event` commands that carry
 * it out, in order. Pure: it validates and builds arguments, it never talks to QEMU.
 * Coordinates: ABS values are QEMU's absolute range 0..32767 on each axis (0 = left/top,
 * 32767 = right/bottom), taken as is; anything outside is INVAL, never clamped silently.
 */
import { ErrorCode, InputKind, VmsigError, type InputEv } from '../../../shared/model';
import { ABS_MAX, AXIS, EVDEV_BUTTON, WHEEL, qcodeForEvdev } from './qcode-table';

/** One QMP InputEvent (QAPI union InputEvent). */
export type QmpInputEvent =
  | { type: 'key'; data: { down: boolean; key: { type: 'qcode'; data: string } } }
  | { type: 'btn'; data: { down: boolean; button: string } }
  | { type: 'rel' | 'abs'; data: { axis: 'x' | 'y'; value: number } };

/** Most wheel notches one SCROLL may ask for (each notch is one QMP command). */
export const MAX_SCROLL_NOTCHES = 64;

/** What a translated input changes in the held record once QEMU accepted it. */
export interface HeldChange {
  kind: number;
  code: number;
  down: boolean;
}

/** The commands for one vmsig_input (each element is the `events` of one input-send-event). */
export interface Translation {
  commands: QmpInputEvent[][];
  held?: HeldChange;
}

const inval = (msg: string): VmsigError => new VmsigError(ErrorCode.INVAL, msg);

function axisName(code: number): 'x' | 'y' {
  if (code === AXIS.X) return 'x';
  if (code === AXIS.Y) return 'y';
  throw inval(`axis ${code} is not X (0) or Y (1)`);
}

function pressed(value: number): boolean {
  // evdev: 0 released, 1 pressed, 2 autorepeat (still down).
  if (value === 0 || value === 1 || value === 2) return value !== 0;
  throw inval(`key/button value ${value} is not 0 (up), 1 (down) or 2 (repeat)`);
}

/** Translates `input`; throws VmsigError INVAL for an unknown key, button, axis, value or kind. */
export function translateInput(input: InputEv): Translation {
  switch (input.kind) {
    case InputKind.KEY: {
      const qcode = qcodeForEvdev(input.code);
      if (qcode === undefined) throw inval(`evdev key ${input.code} has no QEMU qcode`);
      const down = pressed(input.value);
      return {
        commands: [[{ type: 'key', data: { down, key: { type: 'qcode', data: qcode } } }]],
        held: { kind: InputKind.KEY, code: input.code, down },
      };
    }
    case InputKind.BTN: {
      const button = EVDEV_BUTTON.get(input.code);
      if (button === undefined)
        throw inval(`evdev button ${input.code} is not BTN_LEFT..BTN_EXTRA (0x110..0x114)`);
      const down = pressed(input.value);
      return {
        commands: [[{ type: 'btn', data: { down, button } }]],
        held: { kind: InputKind.BTN, code: input.code, down },
      };
    }
    case InputKind.REL:
      return { commands: [[{ type: 'rel', data: { axis: axisName(input.code), value: input.value } }]] };
    case InputKind.ABS: {
      if (input.value < 0 || input.value > ABS_MAX)
        throw inval(`absolute coordinate ${input.value} is outside 0..${ABS_MAX}`);
      return { commands: [[{ type: 'abs', data: { axis: axisName(input.code), value: input.value } }]] };
    }
    case InputKind.SCROLL:
      return { commands: scrollCommands(input.code, input.scroll) };
    default:
      throw inval(`input kind ${input.kind} is unknown`);
  }
}

/**
 * SCROLL: `scroll` notches, rounded to whole ones, positive = up (vertical) or right
 * (horizontal), as evdev's REL_WHEEL / REL_HWHEEL count them. Each notch is one
 * press+release of QEMU's wheel button in its own command.
 */
function scrollCommands(code: number, scroll: number): QmpInputEvent[][] {
  if (!Number.isFinite(scroll)) throw inval('scroll magnitude is not a finite number');
  const vertical = code === WHEEL.WHEEL || code === AXIS.Y;
  if (!vertical && code !== WHEEL.HWHEEL && code !== AXIS.X)
    throw inval(`scroll axis ${code} is not REL_WHEEL (8) or REL_HWHEEL (6)`);
  const notches = Math.round(Math.abs(scroll));
  if (notches > MAX_SCROLL_NOTCHES) throw inval(`scroll of ${notches} notches exceeds ${MAX_SCROLL_NOTCHES}`);
  const button = vertical
    ? scroll > 0
      ? 'wheel-up'
      : 'wheel-down'
    : scroll > 0
      ? 'wheel-right'
      : 'wheel-left';
  return Array.from({ length: notches }, () => [
    { type: 'btn', data: { down: true, button } },
    { type: 'btn', data: { down: false, button } },
  ]);
}
