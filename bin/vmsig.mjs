#!/usr/bin/env node
// The `vmsig` command: runs the prebuilt bundle out/cli/main.js (npm run build makes it).
// In a checkout that was never built it falls back to the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../out/cli/main.js', import.meta.url));
// VMSIG_FROM_SOURCE=1 runs the source as it is now, for a developer between two builds.
const fromSource = process.env.VMSIG_FROM_SOURCE === '1';
let main = built;
if (fromSource || !existsSync(built)) {
  // tsx is a devDependency: present in a development checkout, the only place without out/.
  if (!fromSource)
    process.stderr.write(
      'vmsig: out/cli/main.js is not built (npm run build); running the TypeScript source through tsx\n',
    );
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('vmsig: tsx is not installed either: run npm ci && npm run build\n');
    process.exit(1);
  }
  main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
}
const { run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
