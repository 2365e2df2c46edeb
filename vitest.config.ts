import { defineConfig } from 'vitest/config';

// Three suites: fast unit tests beside their modules, integration tests that start real
// QEMU (serial, one file at a time, because they share two cores with the VMs), and the
// security suite of issue 10 (live hosts in child processes, also serial).
export default defineConfig({
  test: {
    // bin/vmsig.mjs runs out/cli: tests that spawn it get a bundle of the source they test.
    globalSetup: ['test/helpers/build-cli.global.ts'],
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
          fileParallelism: false,
        },
      },
      {
        // Issue 10's security suite: each file starts live hosts (child processes), so serial.
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
