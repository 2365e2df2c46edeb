import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/helpers/slow-first-sequencer';

// Three suites: fast unit tests beside their modules, integration tests that start real
// QEMU, and the security suite of issue 10 (live hosts in child processes). Each runs two
// files at once: Vitest's default on a 2-core machine is one (cores - 1), which leaves a core
// idle while a file waits on a guest under TCG (one QEMU thread per vCPU) or on a child host.
// Every file has its own directories, sockets and ports (0), so two files never meet.
export default defineConfig({
  test: {
    // bin/vmsig.mjs runs out/cli: tests that spawn it get a bundle of the source they test.
    globalSetup: ['test/helpers/build-cli.global.ts'],
    maxWorkers: 2,
    // The Debian boots and other long files first, so two workers end together.
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Issue 10's security suite: each file starts live hosts (child processes).
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
