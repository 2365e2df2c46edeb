import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model';
import { planWrite } from './memwrite-plan';
import { type PhysReader, isCanonical, isFault, walk } from './page-walk';

const P = 1n;
const RW = 2n;
const US = 4n;
const PS = 0x80n;
const NX = 1n << 63n;

/** Guest "physical memory" in a Buffer, with helpers to lay page tables out in it. */
class FakeRam implements PhysReader {
  readonly buf = Buffer.alloc(16 * 1024 * 1024);
  readU64(gpa: bigint): bigint | undefined {
    return gpa + 8n <= BigInt(this.buf.length) ? this.buf.readBigUInt64LE(Number(gpa)) : undefined;
  }
  set(table: bigint, index: number, entry: bigint): void {
    this.buf.writeBigUInt64LE(entry, Number(table) + index * 8);
  }
}

const idx = (gva: bigint, level: number): number => Number((gva >> BigInt(12 + 9 * (level - 1))) & 511n);

// Tables at fixed physical pages: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000.
function build(): { ram: FakeRam; cr3: bigint } {
  const ram = new FakeRam();
  const [pml4, pdpt, pd, pt] = [0x1000n, 0x2000n, 0x3000n, 0x4000n];
  const kva = 0xffff_8880_0000_0000n;
  ram.set(pml4, idx(kva, 4), pdpt | P | RW);
  // 4 KiB pages at kva: page 0 RW, page 1 read-only, page 2 not present, page 3 RW+NX.
  ram.set(pdpt, idx(kva, 3), pd | P | RW);
  ram.set(pd, idx(kva, 2), pt | P | RW);
  ram.set(pt, 0, 0x10_0000n | P | RW);
  ram.set(pt, 1, 0x10_1000n | P);
  ram.set(pt, 3, 0x10_3000n | P | RW | NX);
  ram.set(pt, 4, 0x10_4000n | P | RW | US);
  // A 2 MiB page at kva + 2 MiB → gpa 0x600000, with the PAT bit (12) set to prove it is masked.
  ram.set(pd, 1, 0x60_0000n | 0x1000n | P | RW | PS);
  // A 1 GiB page at kva + 1 GiB → gpa 0x4000_0000 (beyond this RAM: walks fine, planning refuses).
  ram.set(pdpt, idx(kva, 3) + 1, 0x4000_0000n | P | RW | PS | NX);
  // A read-only PD entry above a writable PT entry: the page is read-only.
  ram.set(pd, 2, 0x5000n | P);
  ram.set(0x5000n, 0, 0x20_0000n | P | RW);
  return { ram, cr3: pml4 | 0x5n /* PCID bits must be ignored */ };
}

const kva = 0xffff_8880_0000_0000n;

describe('x86-64 page walk', () => {
  const { ram, cr3 } = build();

  it('translates a 4 KiB page with its offset, writable and executable', () => {
    expect(walk(ram, cr3, kva + 0x123n)).toEqual({
      gpa: 0x10_0123n,
      pageSize: 4096n,
      writable: true,
      nx: false,
      user: false,
    });
  });

  it('reports a read-only 4 KiB page and an NX page', () => {
    expect(walk(ram, cr3, kva + 0x1008n)).toMatchObject({ gpa: 0x10_1008n, writable: false });
    expect(walk(ram, cr3, kva + 0x3000n)).toMatchObject({ gpa: 0x10_3000n, writable: true, nx: true });
  });

  it('reports user access only when every level allows it', () => {
    expect(walk(ram, cr3, kva + 0x4000n)).toMatchObject({ user: false });
  });

  it('faults not-present at the level that is missing', () => {
    expect(walk(ram, cr3, kva + 0x2000n)).toEqual({ fault: 'not-present', level: 1 });
    expect(walk(ram, cr3, 0x1000n)).toEqual({ fault: 'not-present', level: 4 });
  });

  it('translates a 2 MiB page, masking the PAT bit', () => {
    expect(walk(ram, cr3, kva + 0x20_0000n + 0x1_2345n)).toEqual({
      gpa: 0x61_2345n,
      pageSize: 0x20_0000n,
      writable: true,
      nx: false,
      user: false,
    });
  });

  it('translates a 1 GiB page with NX', () => {
    expect(walk(ram, cr3, kva + 0x4000_0000n + 0x123_4567n)).toEqual({
      gpa: 0x4123_4567n,
      pageSize: 0x4000_0000n,
      writable: true,
      nx: true,
      user: false,
    });
  });

  it('makes a page read-only when an upper level is read-only', () => {
    expect(walk(ram, cr3, kva + 0x40_0000n)).toMatchObject({ gpa: 0x20_0000n, writable: false });
  });

  it('refuses non-canonical addresses for 4 and 5 levels', () => {
    expect(isCanonical(0x0000_8000_0000_0000n, 4)).toBe(false);
    expect(isCanonical(0xffff_8000_0000_0000n, 4)).toBe(true);
    expect(isCanonical(0x0000_8000_0000_0000n, 5)).toBe(true);
    const r = walk(ram, cr3, 0x0000_8000_0000_0000n);
    expect(isFault(r) && r.fault).toBe('non-canonical');
  });

  it('faults unbacked when a table lies outside RAM', () => {
    const bad = new FakeRam();
    bad.set(0x1000n, 0, 0x7fff_f000n | P | RW);
    expect(walk(bad, 0x1000n, 0x10n)).toEqual({ fault: 'unbacked', level: 3 });
  });
});

describe('memory write planning', () => {
  const { ram, cr3 } = build();
  const segs = [{ gpa: 0n, size: BigInt(ram.buf.length), fileOff: 0n }];
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);

  it('plans one chunk for a write inside a page', () => {
    const plan = planWrite(ram, segs, cr3, 4, kva + 0x10n, bytes(16));
    expect(plan).toEqual({ ok: true, chunks: [{ fileOff: 0x10_0010n, bytes: bytes(16) }] });
  });

  it('splits a write that crosses a page into one chunk per page', () => {
    const plan = planWrite(ram, segs, cr3, 4, kva + 0x3ff8n, bytes(16));
    expect(plan.ok && plan.chunks.map((c) => [c.fileOff, c.bytes.length])).toEqual([
      [0x10_3ff8n, 8],
      [0x10_4000n, 8],
    ]);
  });

  it('refuses EXTENT when any page is read-only, absent or outside RAM', () => {
    for (const gva of [kva + 0xff8n /* runs into the read-only page */, kva + 0x2000n, kva + 0x4000_0000n]) {
      expect(planWrite(ram, segs, cr3, 4, gva, bytes(16))).toMatchObject({
        ok: false,
        err: ErrorCode.EXTENT,
      });
    }
  });
});
