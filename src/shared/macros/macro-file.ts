/*
 * The macro file format: a named list of key steps, each with the delay since the previous
 * one, as JSON. parseMacro is the only way a macro enters the program (from a file, from
 * the console or from a recording): it checks every field and every bound, and throws a
 * MacroError naming what is wrong; it never returns a half-checked macro.
 */
import { ErrorCode, VmsigError } from '../model';

/** One key event of a macro: wait `delayMs` after the previous step, then press or release `code`. */
export interface MacroStep {
  /** Milliseconds after the previous step (the first: after the start), 0..MAX_DELAY_MS. */
  delayMs: number;
  /** evdev key code, 1..0x2ff. */
  code: number;
  down: boolean;
}

/** A recorded key sequence. */
export interface Macro {
  name: string;
  steps: MacroStep[];
}

/** The file format's version; a file names it so a later format is refused, not misread. */
export const MACRO_FORMAT = 1;
/** At most this many steps (a 5 000-character paste is about 20 000 key events). */
export const MAX_STEPS = 20_000;
/** The longest pause between two steps: a minute. */
export const MAX_DELAY_MS = 60_000;
/** A macro file larger than this is refused before it is parsed. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
const KEY_MAX = 0x2ff;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A macro that cannot be used: INVAL (bad content), NOENT (no such macro), PERM (an unsafe file). */
export class MacroError extends VmsigError {
  constructor(
    code: number,
    /** The message without the code's name (VmsigError's message starts with it). */
    readonly detail: string,
  ) {
    super(code, detail);
    this.name = 'MacroError';
  }
}

const bad = (msg: string): MacroError => new MacroError(ErrorCode.INVAL, msg);

/** Throws MacroError INVAL unless `name` is 1..64 letters, digits, '.', '_' or '-' (not starting with a dot or dash: it becomes a file name). */
export function checkMacroName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw bad(`a macro name is 1..64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  return name;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw bad(`${what}: unknown field "${k}"`);
}

/** Checks a steps array (from a file or from the console); throws MacroError INVAL naming the step. */
export function checkSteps(steps: unknown): MacroStep[] {
  if (!Array.isArray(steps)) throw bad('steps must be an array');
  if (steps.length === 0) throw bad('a macro needs at least one step');
  if (steps.length > MAX_STEPS)
    throw bad(`a macro holds at most ${MAX_STEPS} steps, this one ${steps.length}`);
  return steps.map((s: unknown, i) => {
    const what = `steps[${i}]`;
    if (!isRecord(s)) throw bad(`${what} must be an object`);
    onlyKeys(s, ['delayMs', 'code', 'down'], what);
    const { delayMs, code, down } = s;
    if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS)
      throw bad(`${what}.delayMs must be an integer in 0..${MAX_DELAY_MS}`);
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 1 || code > KEY_MAX)
      throw bad(`${what}.code must be an evdev key code in 1..${KEY_MAX}`);
    if (typeof down !== 'boolean') throw bad(`${what}.down must be true or false`);
    return { delayMs, code, down };
  });
}

/** Checks a parsed JSON value as a macro; throws MacroError INVAL. */
export function checkMacro(v: unknown): Macro {
  if (!isRecord(v)) throw bad('a macro file holds one JSON object');
  onlyKeys(v, ['vmsigMacro', 'name', 'steps'], 'macro');
  if (v.vmsigMacro !== MACRO_FORMAT) throw bad(`vmsigMacro must be ${MACRO_FORMAT} (the format version)`);
  return { name: checkMacroName(v.name), steps: checkSteps(v.steps) };
}

/** Parses a macro file's text; throws MacroError INVAL on bad JSON, unknown fields or values out of bounds. */
export function parseMacro(text: string): Macro {
  if (text.length > MAX_FILE_BYTES) throw bad(`a macro file is at most ${MAX_FILE_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw bad(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return checkMacro(v);
}

/** The file text of `m` (checked first, so nothing unparseable is ever written). */
export function serializeMacro(m: Macro): string {
  const checked = checkMacro({ vmsigMacro: MACRO_FORMAT, name: m.name, steps: m.steps });
  return `${JSON.stringify({ vmsigMacro: MACRO_FORMAT, name: checked.name, steps: checked.steps })}\n`;
}

/** The macro's length when played at its recorded speed (ms). */
export const macroDurationMs = (m: Pick<Macro, 'steps'>): number =>
  m.steps.reduce((t, s) => t + s.delayMs, 0);
