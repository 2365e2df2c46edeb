/*
 * `vmsig kinds [--json | --c-header]`: the event model for client authors, straight from
 * the shared constants (never a second copy); --c-header prints it as a C header.
 */
import { modelAsJson } from '../../shared/model';
import { generateCHeader } from '../c-header';
import { type CliCommand, UsageError, parseArgs } from '../command';

export const kindsCommand: CliCommand = {
  name: 'kinds',
  summary: 'print the event model (kinds, sources, caps, error codes ...)',
  usage: 'vmsig kinds [--json | --c-header]   (--c-header > vmsig_protocol.h for C clients)',
  async run(args, io) {
    const p = parseArgs(args, [], ['json', 'c-header']);
    if (p.options.has('json') && p.options.has('c-header'))
      throw new UsageError('--json and --c-header exclude each other');
    if (p.options.has('c-header')) {
      io.out(generateCHeader().trimEnd());
      return 0;
    }
    const model = modelAsJson();
    if (p.options.has('json')) {
      io.out(JSON.stringify(model));
      return 0;
    }
    for (const [section, map] of Object.entries(model)) {
      io.out(`${section}:`);
      if (Array.isArray(map)) {
        io.out(`  ${map.join(', ')}`);
        continue;
      }
      const entries = Object.entries(map as Record<string, number>);
      const width = Math.max(...entries.map(([n]) => n.length));
      for (const [name, value] of entries) io.out(`  ${name.padEnd(width)}  ${value}`);
    }
    return 0;
  },
};
