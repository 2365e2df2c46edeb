/*
 * Turns text into QEMU `send-key` commands (one key per command, as QMP needs it), for
 * tests that type into the guest's tty1 shell. Test-only: it covers printable US ASCII.
 */

/** One QMP `send-key` argument object for a character. */
export interface SendKeyArgs {
  keys: { type: 'qcode'; data: string }[];
}

const NAMED: Record<string, string> = {
  ' ': 'spc',
  '\n': 'ret',
  '.': 'dot',
  ',': 'comma',
  '/': 'slash',
  '-': 'minus',
  '=': 'equal',
  ';': 'semicolon',
  "'": 'apostrophe',
  '[': 'bracket_left',
  ']': 'bracket_right',
  '\\': 'backslash',
  '`': 'grave_accent',
};
const SHIFTED: Record<string, string> = {
  '>': 'dot',
  '<': 'comma',
  '?': 'slash',
  _: 'minus',
  '+': 'equal',
  ':': 'semicolon',
  '"': 'apostrophe',
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
  '|': 'backslash',
};

/** The send-key arguments that type `text` on a US keyboard; throws on other characters. */
export function keysFor(text: string): SendKeyArgs[] {
  return [...text].map((ch) => {
    const key = (data: string): { type: 'qcode'; data: string } => ({ type: 'qcode', data });
    if (/^[a-z0-9]$/.test(ch)) return { keys: [key(ch)] };
    if (/^[A-Z]$/.test(ch)) return { keys: [key('shift'), key(ch.toLowerCase())] };
    if (NAMED[ch]) return { keys: [key(NAMED[ch])] };
    if (SHIFTED[ch]) return { keys: [key('shift'), key(SHIFTED[ch])] };
    throw new Error(`keysFor: no key for ${JSON.stringify(ch)}`);
  });
}
