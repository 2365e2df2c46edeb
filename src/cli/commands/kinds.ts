/*
 * `vmsig kinds [--json]`: the event model for client authors, straight from the shared
 * constants (never a second copy).
 */
import { modelAsJson } from '../../shared/model';
import { type CliCommand, parseArgs } from '../command';

export const kindsCommand: CliCommand = {
  name: 'kinds',
  summary: 'print the event model (kinds, sources, caps, error codes ...)',
  usage: 'vmsig kinds [--json]',
  async run(args, io) {
    const p = parseArgs(args, [], ['json']);
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
