/*
 * `npm run bench`: discovers every bench/*.bench.ts, runs them in name order and prints
 * their figures as a table, or with --json as ONE JSON object name → number: into FILE
 * with `--json FILE`, else on stdout (npm prints its banner there too: `npm run -s bench`).
 * `--only <substring>` runs the modules whose file name contains it. A module that throws
 * fails the run (exit 1) after the figures gathered so far are written.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Figure, formatTable, isBenchModule } from './lib/reporter';

interface Options {
  json: boolean;
  /** Where --json writes; undefined for stdout. */
  jsonFile?: string;
  only?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') {
      opts.json = true;
      // An optional FILE after --json: a JSON tool then never sees npm's banner.
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) opts.jsonFile = argv[++i];
    } else if (a.startsWith('--json=')) {
      opts.json = true;
      opts.jsonFile = a.slice('--json='.length);
    } else if (a === '--only') {
      const v = argv[++i];
      if (!v) throw new Error('--only needs a substring');
      opts.only = v;
    } else if (a.startsWith('--only=')) opts.only = a.slice('--only='.length);
    else throw new Error(`unknown argument ${a} (use --json [FILE], --only <substring>)`);
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
  // With --json on stdout, anything a module prints goes to stderr: stdout holds the JSON only.
  const writeStdout = process.stdout.write.bind(process.stdout);
  if (opts.json)
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
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
  if (opts.json) {
    const json = `${JSON.stringify(Object.fromEntries(figures.map((f) => [f.name, f.value])))}\n`;
    if (opts.jsonFile === undefined || opts.jsonFile === '-') writeStdout(json);
    else {
      writeFileSync(opts.jsonFile, json);
      process.stderr.write(`bench: figures written to ${opts.jsonFile}\n`);
    }
  } else process.stdout.write(`\n${formatTable(figures)}\n`);
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
