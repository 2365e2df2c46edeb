import { describe, expect, it } from 'vitest';
import { Kind, Prio, Source, type VmsigEvent } from '../../shared/model';
import type { AdapterSpec } from './adapter-port';
import { AdapterRegistry } from './adapter-registry';

function rig(reported = new Set<number>()) {
  const routed: VmsigEvent[] = [];
  const handled: VmsigEvent[] = [];
  const reg = new AdapterRegistry({
    route: (ev) => routed.push(ev),
    hasEndpoint: (id) => id === 1 || id === 2,
    seamReported: (endpoint, source) => reported.has(endpoint * 16 + source),
  });
  const spec = (endpoint: number, source: Source): AdapterSpec => ({
    endpoint,
    source,
    defaultPrio: Prio.NORMAL,
    codec: 0,
    handle: (ev) => void handled.push(ev),
  });
  return { reg, routed, spec };
}

describe('adapter registry', () => {
  it('refuses an undeclared endpoint and a second owner of a seam', () => {
    const { reg, spec } = rig();
    expect(() => reg.register(spec(9, Source.INPUT))).toThrow(/not declared/);
    reg.register(spec(1, Source.INPUT));
    expect(() => reg.register(spec(1, Source.INPUT))).toThrow(/already owned/);
    expect(reg.owner(1, Source.INPUT)?.endpoint).toBe(1);
    expect(reg.owner(2, Source.INPUT)).toBeUndefined();
  });

  it("stamps the adapter's seam on what it emits, URGENT for seam kinds", () => {
    const { reg, routed, spec } = rig();
    reg.register(spec(2, Source.INPUT)).emit({ kind: Kind.SEAM_UP, endpoint: 7, source: Source.CORE });
    expect(routed[0]).toMatchObject({ endpoint: 2, source: Source.INPUT, prio: Prio.URGENT });
  });

  it('drops every adapter of an endpoint; only a reported seam goes down', () => {
    const { reg, routed, spec } = rig(new Set([1 * 16 + Source.INPUT]));
    reg.register(spec(1, Source.INPUT));
    reg.register(spec(1, Source.FRAME));
    reg.register(spec(2, Source.INPUT));
    reg.dropEndpoint(1);
    expect(reg.owner(1, Source.INPUT)).toBeUndefined();
    expect(reg.owner(1, Source.FRAME)).toBeUndefined();
    expect(reg.owner(2, Source.INPUT)).toBeDefined();
    expect(routed.map((e) => [e.kind, e.endpoint, e.source])).toEqual([[Kind.SEAM_DOWN, 1, Source.INPUT]]);
  });
});
