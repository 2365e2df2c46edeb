/*
 * The shape of a `vmsig` subcommand and the argument parsing they share (node:util's
 * parseArgs under the CLI's usage errors). A subcommand returns its exit status; it never
 * calls process.exit itself.
 */
import { parseArgs as utilParseArgs } from 'node:util';

/** One subcommand: `vmsig <name> ...`. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Where a command writes; injected so tests can capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A usage error: printed with the command's usage, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parsed arguments: positionals plus `--flag value` / `--flag` options. */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
}

/**
 * Parses `args` with node:util's parseArgs; `valued` lists options that take a value,
 * `flags` those that do not. Unknown options are a UsageError naming them, so a typo never
 * passes silently. The CLI has no short options: a word with one leading dash (`-3`, `-`)
 * is a positional, so negative numbers and text like `-rf` need no `--` before them.
 */
export function parseArgs(
  args: string[],
  valued: readonly string[],
  flags: readonly string[] = [],
): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of valued) options[name] = { type: 'string' };
  for (const name of flags) options[name] = { type: 'boolean' };
  // strict: false hands unknown and value-less options back as tokens, so the usage errors
  // below keep the CLI's own words instead of Node's.
  const { tokens } = utilParseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const parsed = new Map<string, string | true>();
  let shortAt = -1;
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    else if (t.kind === 'option' && t.rawName.startsWith('--')) {
      if (valued.includes(t.name)) {
        if (t.value === undefined) throw new UsageError(`--${t.name} needs a value`);
        parsed.set(t.name, t.value);
      } else if (flags.includes(t.name)) parsed.set(t.name, true);
      else throw new UsageError(`unknown option --${t.name}`);
    } else if (t.kind === 'option' && t.index !== shortAt) {
      // `-abc` arrives as one token per letter, all with the word's index: keep the word once.
      shortAt = t.index;
      positionals.push(args[t.index]!);
    }
  }
  return { positionals, options: parsed };
}

/** A string option, or undefined. */
export function opt(p: ParsedArgs, name: string): string | undefined {
  const v = p.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Parses an integer option/argument in [min, max], or throws a UsageError naming it. */
export function intArg(value: string | undefined, what: string, min: number, max: number): number {
  if (value === undefined) throw new UsageError(`${what} is required`);
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${what} must be an integer in ${min}..${max}, got "${value}"`);
  return n;
}
