import { describe, expect, it } from 'vitest';
import { pcRamSegments, locateGpa } from './pc-ram-layout';
import { pagingLevels, parseRegisters } from './cpu-registers';

const MiB = 1024n * 1024n;
const GiB = 1024n * MiB;

describe('pc machine RAM layout', () => {
  it('maps a small guest below 4 GiB around the legacy VGA/ROM window', () => {
    expect(pcRamSegments(64n * MiB)).toEqual([
      { gpa: 0n, size: 0xa0000n, fileOff: 0n },
      { gpa: 0x100000n, size: 64n * MiB - 0x100000n, fileOff: 0x100000n },
    ]);
  });

  it('keeps 3 GiB below 4 GiB when RAM is 3 GiB', () => {
    expect(pcRamSegments(3n * GiB).at(-1)).toEqual({
      gpa: 0x100000n,
      size: 3n * GiB - 0x100000n,
      fileOff: 0x100000n,
    });
  });

  it('splits RAM of 3.5 GiB and more at 3 GiB and maps the rest from 4 GiB', () => {
    const segs = pcRamSegments(6n * GiB);
    expect(segs.at(-1)).toEqual({ gpa: 4n * GiB, size: 3n * GiB, fileOff: 3n * GiB });
    expect(locateGpa(segs, 4n * GiB + 5n)).toEqual({ fileOff: 3n * GiB + 5n, left: 3n * GiB - 5n });
    expect(locateGpa(segs, 3n * GiB + 5n)).toBeUndefined();
    expect(locateGpa(segs, 0xb8000n)).toBeUndefined();
  });

  it('keeps RAM just below the hole in one low segment', () => {
    expect(pcRamSegments(0xd0000000n).at(-1)).toMatchObject({
      gpa: 0x100000n,
      size: 0xd0000000n - 0x100000n,
    });
  });
});

describe("parsing 'info registers'", () => {
  const sample = [
    'RAX=0000000000000000 RBX=0000000000000000 RCX=0000000000000001 RDX=0000000000000000',
    'CR0=80050033 CR2=00007f0c7c1b0000 CR3=0000000001e0a805 CR4=003006f0',
    'EFER=0000000000000d01',
  ].join('\n');

  it('reads CR0, CR3, CR4 and EFER, and sees 4-level long mode', () => {
    const r = parseRegisters(sample);
    expect(r).toEqual({ cr0: 0x80050033n, cr3: 0x1e0a805n, cr4: 0x3006f0n, efer: 0xd01n });
    expect(pagingLevels(r)).toBe(4);
  });

  it('sees no paging before the kernel enables it, and 5 levels with LA57', () => {
    expect(pagingLevels(parseRegisters(sample.replace('CR0=80050033', 'CR0=00000011')))).toBeUndefined();
    expect(pagingLevels(parseRegisters(sample.replace('CR4=003006f0', 'CR4=003016f0')))).toBe(5);
  });

  it('throws IO when a register is missing', () => {
    expect(() => parseRegisters('RAX=0')).toThrow(/no CR0/);
  });
});
