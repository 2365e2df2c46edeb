/*
 * The route memo must never change who gets what: random filters, resubscriptions,
 * attaches and detaches, and kinds/prios outside the memo's range, checked against
 * Control.wants() (the unmemoized rule) for every control and every event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cap, Dir, Source, type VmsigEvent, makeEvent } from '../../shared/model';
import { attach, newRig, type RigControl } from '../../../test/helpers/core-rig';
import type { SubscriptionFilter } from './filter';
import { kindSet } from './filter';
import { maskOf } from './endpoint-mask';

const filterArb: fc.Arbitrary<SubscriptionFilter> = fc.record({
  kinds: fc
    .uniqueArray(fc.constantFrom(1, 2, 3, 37, 48, 49, 50, 53, 77, 78, 200), { maxLength: 6 })
    .map(kindSet),
  sources: fc.nat(0x7f),
  dirs: fc.nat(3),
  prioMin: fc.nat(4),
  endpoints: fc.uniqueArray(fc.nat(4), { maxLength: 4 }).map(maskOf),
});
// Kind 300 and prio 9 are outside the memo's packable range: they take the full-scan path.
const evArb = fc.record({
  kind: fc.constantFrom(1, 2, 3, 37, 48, 49, 50, 53, 77, 78, 300),
  prio: fc.constantFrom(0, 1, 2, 3, 9),
  origin: fc.nat(6),
});
type Step =
  | { op: 'event'; ev: { kind: number; prio: number; origin: number } }
  | { op: 'subscribe'; who: number; filter: SubscriptionFilter }
  | { op: 'attach'; caps: number }
  | { op: 'detach'; who: number };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: evArb.map((ev) => ({ op: 'event' as const, ev })) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('subscribe' as const), who: fc.nat(7), filter: filterArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('attach' as const),
      caps: fc.constantFrom(Cap.OBSERVE, Cap.OBSERVE | Cap.MEMREAD, Cap.INPUT, 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('detach' as const), who: fc.nat(7) }) },
);

describe('route memo', () => {
  it('delivers exactly what the unmemoized filter rule admits, through every filter change', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 80, size: 'max' }), (steps) => {
        const { core } = newRig({ endpoints: [1, 2, 3] });
        const port = core.registerAdapter({
          source: Source.VMHOST,
          endpoint: 1,
          defaultPrio: 1,
          codec: 0,
          handle: () => {},
        });
        const live: RigControl[] = [
          attach(core, { caps: Cap.OBSERVE, grant: maskOf([0, 1, 2]) }),
          attach(core, { caps: Cap.MEMREAD }),
        ];
        for (const step of steps) {
          if (step.op === 'attach') live.push(attach(core, { caps: step.caps, grant: maskOf([1, 3]) }));
          else if (step.op === 'detach' && live.length > 0)
            core.detachControl(live.splice(step.who % live.length, 1)[0]!.id);
          else if (step.op === 'subscribe' && live.length > 0) {
            const c = live[step.who % live.length]!;
            c.subscribe(step.filter);
            c.take();
          } else if (step.op === 'event') {
            const expected = new Map<number, boolean>();
            const probe: VmsigEvent = makeEvent({
              ...step.ev,
              endpoint: 1,
              source: Source.VMHOST,
              dir: Dir.UP,
            });
            for (const c of live) expected.set(c.id, core.control(c.id)!.wants(probe));
            port.emit({ kind: step.ev.kind, prio: step.ev.prio, origin: step.ev.origin });
            for (const c of live)
              expect(c.take().length, `control ${c.id} for ${JSON.stringify(probe)}`).toBe(
                expected.get(c.id) ? 1 : 0,
              );
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
