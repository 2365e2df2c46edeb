/*
 * `npm run bench`: discovers every bench/*.bench.ts, runs them in name order and prints
 * their figures as a table (or, with --json, as ONE JSON object name → number on stdout).
 * `--only <substring>` runs the modules whose file name contains it. A module that throws
 * fails the run (exit 1) after the figures gathered so far are printed.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Figure, formatTable, isBenchModule } from './lib/reporter';

interface Options {
  json: boolean;
  only?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') opts.json = true;
    else if (a === '--only') {
      const v = argv[++i];
      if (!v) throw new Error('--only needs a substring');
      opts.only = v;
    } else if (a.startsWith('--only=')) opts.only = a.slice('--only='.length);
    else throw new Error(`unknown argument ${a} (use --json, --only <substring>)`);
  }
  return opts;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts') && (!opts.only || f.includes(opts.only)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`no bench/*.bench.ts matches ${opts.only ?? '(any)'}\n`);
    return 1;
  }
  const figures: Figure[] = [];
  const seen = new Set<string>();
  let failed = false;
  for (const file of files) {
    process.stderr.write(`bench: running ${file}\n`);
    try {
      const mod: unknown = await import(pathToFileURL(path.join(dir, file)).href);
      if (!isBenchModule(mod)) throw new Error(`${file} does not export run(report)`);
      await mod.run((name, value, unit, note) => {
        if (seen.has(name)) throw new Error(`figure ${name} reported twice`);
        seen.add(name);
        figures.push({ name, value, unit, note });
        if (!opts.json) process.stderr.write(`  ${name}: ${value} ${unit}${note ? ` (${note})` : ''}\n`);
      });
    } catch (e) {
      failed = true;
      process.stderr.write(
        `bench: ${file} FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
    }
  }
  if (opts.json)
    process.stdout.write(`${JSON.stringify(Object.fromEntries(figures.map((f) => [f.name, f.value])))}\n`);
  else process.stdout.write(`\n${formatTable(figures)}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
