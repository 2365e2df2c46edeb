/*
 * The chords of the send-key menu as evdev codes: Ctrl+Alt+Del (confirmed first),
 * Ctrl+Alt+Backspace, Ctrl+Alt+F1..F12, PrintScreen and Alt+SysRq+<key>. The kernel reads
 * SysRq keys by position (a US table in drivers/tty/sysrq.c), hence KeyboardEvent codes.
 */
import { KEY, evdevForCode, fKey } from '../../shared/keys';

/** One entry of the menu. */
export interface SendKeyChord {
  label: string;
  codes: number[];
  /** Asks the operator before sending (the guest may reboot). */
  confirm?: string;
}

const BACKSPACE = 14;

/** The fixed entries, in menu order. */
export const SEND_KEY_CHORDS: readonly SendKeyChord[] = [
  {
    label: 'Ctrl+Alt+Del',
    codes: [KEY.LEFTCTRL, KEY.LEFTALT, KEY.DELETE],
    confirm: 'The guest may reboot at once.',
  },
  { label: 'Ctrl+Alt+Backspace', codes: [KEY.LEFTCTRL, KEY.LEFTALT, BACKSPACE] },
  ...Array.from({ length: 12 }, (_, i) => ({
    label: `Ctrl+Alt+F${i + 1}`,
    codes: [KEY.LEFTCTRL, KEY.LEFTALT, fKey(i + 1)],
  })),
  { label: 'PrintScreen', codes: [KEY.SYSRQ] },
];

/** SysRq commands the kernel documents (admin-guide/sysrq), offered by name in the dialog. */
export const SYSRQ_COMMANDS: readonly { key: string; what: string }[] = [
  { key: 'h', what: 'help' },
  { key: 's', what: 'sync' },
  { key: 'u', what: 'remount read-only' },
  { key: 'b', what: 'reboot now' },
  { key: 'o', what: 'power off' },
  { key: 'e', what: 'SIGTERM all' },
  { key: 'i', what: 'SIGKILL all' },
  { key: 'f', what: 'OOM kill' },
  { key: 'k', what: 'SAK' },
  { key: 'r', what: 'keyboard raw off' },
  { key: 'm', what: 'memory info' },
  { key: 'p', what: 'registers' },
  { key: 't', what: 'task list' },
  { key: 'w', what: 'blocked tasks' },
  { key: 'l', what: 'backtrace all CPUs' },
  { key: 'c', what: 'crash' },
  ...'0123456789'.split('').map((d) => ({ key: d, what: `console log level ${d}` })),
];

/** Alt+SysRq+<key> for a letter or digit; RangeError for anything else. */
export function sysrqChord(key: string): number[] {
  const code = /^[a-z]$/.test(key)
    ? evdevForCode(`Key${key.toUpperCase()}`)
    : /^[0-9]$/.test(key)
      ? evdevForCode(`Digit${key}`)
      : undefined;
  if (code === undefined) throw new RangeError(`SysRq takes a letter or digit, got ${JSON.stringify(key)}`);
  return [KEY.LEFTALT, KEY.SYSRQ, code];
}
