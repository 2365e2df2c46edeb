/*
 * The shape of a `vmsig` subcommand and the small argument parser they share.
 * A subcommand returns its exit status; it never calls process.exit itself.
 */

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
 * Parses `args`; `valued` lists options that take a value. Unknown options are a UsageError
 * naming them, so a typo never passes silently.
 */
export function parseArgs(
  args: string[],
  valued: readonly string[],
  flags: readonly string[] = [],
): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (valued.includes(name)) {
        const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        options.set(name, value);
      } else if (flags.includes(name)) {
        options.set(name, true);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else {
      positionals.push(a);
    }
  }
  return { positionals, options };
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
