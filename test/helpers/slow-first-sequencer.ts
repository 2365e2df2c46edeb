/*
 * Vitest's file order for the suites that run two files at once: the files that take longest
 * start first, so the short ones fill the gaps at the end instead of a Debian boot running
 * alone after everything else (longest-first is close to the best packing for two workers).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files known to take long (real Debian or several tiny-guest boots under TCG), longest first:
 * seconds measured on the shared 2-core machine, November 2026. Vitest's own cache orders a
 * second local run by measured duration anyway; this list is for a fresh clone (CI), where the
 * default order is by file size and would start the Debian boots last.
 */
const SLOW_FIRST: readonly string[] = [
  'test/integration/debian-attached.test.ts', // Debian boot, attached (~100 s)
  'test/integration/debian-disk-uefi.test.ts', // Debian boot under OVMF (~80 s)
  'test/integration/debian-disk.test.ts', // Debian boot, BIOS (~80 s)
  'test/integration/kvm-fallback.test.ts', // three tiny-guest boots, one after a stall (~55 s)
  'test/integration/fleet-hosts.test.ts', // three hosts with a guest each
  'test/integration/cli-serve.test.ts',
  'test/integration/fleet-identity.test.ts',
  'test/integration/fleet-macro-record.test.ts', // two hosts with a guest each
  'test/integration/iso-menu.test.ts',
  'test/integration/virtio-keyboard.test.ts',
  'test/integration/key-repeat.test.ts', // a boot, then typing while QMP answers 150 ms late (~40 s)
  'test/security/journal-lock.test.ts', // 200 kill -9 and restarts
  'test/security/input-lane.test.ts',
  'test/security/relay-forbidden-messages.test.ts',
];

const rank = (spec: TestSpecification): number => {
  const i = SLOW_FIRST.findIndex((f) => spec.moduleId.endsWith(f));
  return i === -1 ? SLOW_FIRST.length : i;
};

/** The default order (projects in turn, then cached durations or file sizes), known slow files first. */
export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Projects keep their turn (the default puts each project's files together).
    const projects = [...new Set(sorted.map((s) => s.project.name))];
    const key = (spec: TestSpecification, i: number): number[] => [
      projects.indexOf(spec.project.name),
      rank(spec),
      i,
    ];
    const keyed = sorted.map((spec, i) => ({ spec, k: key(spec, i) }));
    keyed.sort((a, b) => a.k[0]! - b.k[0]! || a.k[1]! - b.k[1]! || a.k[2]! - b.k[2]!);
    return keyed.map(({ spec }) => spec);
  }
}
