/*
 * Property test of delivery (§7): random emits of every class toward several controls with
 * small queues, random partial drains and random disconnects. A reference model of the
 * per-class queues predicts exactly what each drain yields (higher prio first, FIFO within
 * a class, drop-oldest + DROPPED for BULK/NORMAL, SLOW_CONSUMER for HIGH/URGENT), and every
 * payload is released exactly once, never while a control still has it queued.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Cap,
  ErrorCode,
  Kind,
  Source,
  decodeErrorInl,
  type Payload,
  type VmsigEvent,
} from '../../shared/model';
import { attach, everything, newRig, type RigControl } from '../../../test/helpers/core-rig';

type Step =
  { op: 'emit'; prio: number } | { op: 'drain'; ctl: number; max: number } | { op: 'detach'; ctl: number };

const CONTROLS = 3;
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant('emit' as const), prio: fc.integer({ min: 0, max: 3 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('drain' as const),
      ctl: fc.nat(CONTROLS - 1),
      max: fc.integer({ min: 1, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('detach' as const), ctl: fc.nat(CONTROLS - 1) }) },
);
const limitsArb = fc.tuple(
  fc.integer({ min: 1, max: 5 }),
  fc.integer({ min: 1, max: 5 }),
  fc.integer({ min: 2, max: 8 }),
  fc.integer({ min: 2, max: 8 }),
);

/** What the model says a control holds: per class, the tags (emit numbers) in order. */
interface ModelControl {
  alive: boolean;
  queues: number[][];
  dropped: number;
  closedSlow: boolean;
}

/** A delivered item as both sides describe it: an emit tag, or a DROPPED notice with its count. */
type Item = { tag: number } | { droppedNotice: number };

function run(limits: [number, number, number, number], steps: Step[]): void {
  const { core } = newRig({ endpoints: [1], limits });
  const port = core.registerAdapter({
    source: Source.VMHOST,
    endpoint: 1,
    defaultPrio: 1,
    codec: 2,
    handle: () => {},
  });
  const controls: RigControl[] = [];
  const model: ModelControl[] = [];
  for (let i = 0; i < CONTROLS; i++) {
    const c = attach(core, { caps: Cap.OBSERVE });
    c.subscribe(everything());
    controls.push(c);
    model.push({ alive: true, queues: [[], [], [], []], dropped: 0, closedSlow: false });
  }
  const releases: number[] = [];
  const tagOf = new Map<VmsigEvent, number>();

  steps.forEach((step, i) => {
    const where = `step ${i} ${JSON.stringify(step)}`;
    if (step.op === 'emit') {
      const tag = releases.length;
      releases.push(0);
      const payload: Payload = {
        bytes: new Uint8Array([tag & 0xff]),
        codec: 2,
        flags: 1,
        release: () => void releases[tag]!++,
      };
      // ACT_ACK is not replay state, so only the queues hold the payload.
      const ev = port.emit({ kind: Kind.ACT_ACK, prio: step.prio, payload });
      tagOf.set(ev, tag);
      for (const m of model) {
        if (!m.alive) continue;
        const q = m.queues[step.prio]!;
        if (q.length === limits[step.prio]) {
          if (step.prio >= 2) {
            m.alive = false;
            m.closedSlow = true;
            continue;
          }
          q.shift();
          m.dropped++;
        }
        q.push(tag);
      }
    } else if (step.op === 'drain') {
      const m = model[step.ctl]!;
      const want: Item[] = [];
      if (m.alive) {
        if (m.dropped > 0) {
          want.push({ droppedNotice: m.dropped });
          m.dropped = 0;
        }
        for (let p = 3; p >= 0 && want.length < step.max; p--) {
          const q = m.queues[p]!;
          while (q.length > 0 && want.length < step.max) want.push({ tag: q.shift()! });
        }
      }
      const got: VmsigEvent[] = [];
      core.drain(controls[step.ctl]!.id, (ev) => {
        // The receiver must still hold a live payload while it is being delivered.
        if (tagOf.has(ev))
          expect(releases[tagOf.get(ev)!], `${where}: payload released before its delivery`).toBe(0);
        got.push(ev);
        return got.length < step.max;
      });
      const items = got.map((ev): Item => {
        if (tagOf.has(ev)) return { tag: tagOf.get(ev)! };
        expect(ev.kind).toBe(Kind.ERROR);
        const e = decodeErrorInl(ev.inln);
        expect(e.code).toBe(ErrorCode.DROPPED);
        return { droppedNotice: e.detail };
      });
      expect(items, where).toEqual(want);
    } else {
      const m = model[step.ctl]!;
      core.detachControl(controls[step.ctl]!.id);
      m.alive = false;
    }
    model.forEach((m, k) => {
      expect(controls[k]!.closed.length > 0, `${where}: control ${k} closed as slow consumer`).toBe(
        m.closedSlow,
      );
      if (m.closedSlow) expect(controls[k]!.closed[0]!.code).toBe(ErrorCode.SLOW_CONSUMER);
      for (const q of m.queues)
        if (m.alive)
          for (const tag of q) expect(releases[tag], `${where}: queued payload ${tag} released`).toBe(0);
    });
  });

  for (const c of controls) core.detachControl(c.id);
  releases.forEach((n, tag) => expect(n, `payload ${tag} released`).toBe(1));
  expect(core.stats().payloads).toMatchObject({
    tracked: releases.length,
    released: releases.length,
    live: 0,
    releaseErrors: 0,
  });
}

describe('delivery order and payload release', () => {
  it('delivers higher prio first, FIFO within a class, nothing twice, and releases every payload once', () => {
    fc.assert(fc.property(limitsArb, fc.array(stepArb, { minLength: 1, maxLength: 120, size: 'max' }), run), {
      numRuns: 500,
    });
  }, 60_000);
});
