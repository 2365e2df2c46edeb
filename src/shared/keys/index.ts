/*
 * The one home of evdev key codes for every process: key names (CLI, tests), browser
 * KeyboardEvent.code → evdev (renderer), and readable names for codes.
 */
export * from './key-names';
export * from './dom-codes';
