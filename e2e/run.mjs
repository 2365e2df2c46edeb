#!/usr/bin/env node
// `npm run test:e2e`: runs the Playwright specs (TypeScript, through tsx) against the real
// headless host, real QEMU and Debian's Chromium. Exit status 0 only when every spec passed.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
const runner = fileURLToPath(new URL('./harness/runner.ts', import.meta.url));
const { main } = await import(runner);
process.exitCode = await main(process.argv.slice(2));
