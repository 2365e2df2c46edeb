/*
 * Entry of the `vmsig` command: dispatches to a subcommand and turns failures into a
 * message and an exit status. The only place the CLI touches process streams.
 */
import { type CliIo, UsageError } from './command';
import { commands } from './commands';

// A reader that goes away (`vmsig events | head`) ends the command quietly, like other Unix tools.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function help(): void {
  io.out('usage: vmsig <command> [options]\n');
  for (const c of commands) io.out(`  ${c.name.padEnd(10)} ${c.summary}`);
  io.out("\nvmsig <command> --help shows a command's usage.");
}

/** Options that may stand before the command name: the fleet target and its NATS credentials. */
const LEAD_OPTIONS = ['--nats', '--host', '--nats-user', '--nats-password-file', '--nats-nkey'];

/** Runs the CLI with `argv` (without node and script); resolves to the exit status. */
export async function run(argv: string[], out: CliIo = io): Promise<number> {
  // `vmsig --nats URL --host NAME [--nats-user U --nats-nkey F] <command> ...`: the fleet target before the command applies to it.
  const lead: string[] = [];
  while (LEAD_OPTIONS.includes(argv[0] ?? '') && argv.length >= 2) {
    lead.push(argv[0]!, argv[1]!);
    argv = argv.slice(2);
  }
  const [name, ...restArgs] = argv;
  const rest = [...restArgs, ...lead];
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    help();
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    out.err(`vmsig: unknown command "${name}" (try vmsig help)`);
    return 2;
  }
  if (rest.includes('--help')) {
    out.out(`usage: ${cmd.usage}`);
    return 0;
  }
  try {
    return await cmd.run(rest, out);
  } catch (e) {
    if (e instanceof UsageError) {
      out.err(`vmsig ${name}: ${e.message}\nusage: ${cmd.usage}`);
      return 2;
    }
    out.err(`vmsig ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
