// The push fan-out on an injected clock: what each renderer is sent, and when. A renderer
// that throws must not cost the others their pushes.
import { describe, expect, it } from 'vitest';
import type { PushMap, Snapshot } from '../../../shared/ipc';
import { unpackEventRecords } from '../../../shared/ipc-records';
import { Kind, LeaseClass, encodeLeaseReq, makeEvent } from '../../../shared/model';
import { COUNTER_REFRESH_MS, CURSOR_REFRESH_MS, type PushSink, RendererPush } from './renderer-push';

/** A snapshot whose contents the test changes through `state.vmName` and `state.queued`. */
function rig() {
  const state = { vmName: 'demo', queued: 0, builds: 0 };
  const clock = { ms: 10_000 };
  const logs: string[] = [];
  const snapshot = (): Snapshot => {
    state.builds++;
    return {
      self: { controlId: 1, principal: 1, name: 'operator', caps: [] },
      vms: [{ id: 1, name: state.vmName } as Snapshot['vms'][number]],
      leases: [],
      controls: [
        { id: 1, name: 'operator', queued: state.queued, delivered: 0 } as Snapshot['controls'][number],
      ],
      cursors: [],
      held: [],
      readiness: { qemu: null, guest: null } as Snapshot['readiness'],
      clock: { ns: clock.ms * 1e6, ms: clock.ms },
    };
  };
  const push = new RendererPush(
    snapshot,
    (level, msg) => logs.push(`${level} ${msg}`),
    () => clock.ms,
  );
  return { push, state, clock, logs };
}

function renderer(eventsEnabled = true) {
  const got: { [P in keyof PushMap]: PushMap[P][] } = {
    snapshot: [],
    events: [],
    serial: [],
    fleetEvents: [],
  };
  const sink: PushSink = { eventsEnabled, push: (ch, p) => void (got[ch] as unknown[]).push(p) };
  return { sink, got };
}

const names = (snaps: Snapshot[]) => snaps.map((s) => s.vms[0]!.name);

describe('RendererPush', () => {
  it('sends a new renderer the snapshot at the next tick, then again only when it changed', () => {
    const { push, state, clock } = rig();
    const a = renderer();
    push.add(a.sink);
    push.tick();
    clock.ms += 100;
    push.markDirty();
    push.tick();
    state.vmName = 'renamed';
    clock.ms += 100;
    push.markDirty();
    push.tick();
    expect(names(a.got.snapshot)).toEqual(['demo', 'renamed']);
  });

  it('refreshes counters alone once a second, and cursor moves alone at most every CURSOR_REFRESH_MS', () => {
    const { push, state, clock } = rig();
    const a = renderer();
    push.add(a.sink);
    push.tick();
    state.queued = 5;
    clock.ms += COUNTER_REFRESH_MS - 1;
    push.tick();
    expect(a.got.snapshot).toHaveLength(1);
    clock.ms += 1;
    push.tick();
    expect(a.got.snapshot.map((s) => s.controls[0]!.queued)).toEqual([0, 5]);

    const builds = state.builds;
    push.markCursorMoved();
    clock.ms += CURSOR_REFRESH_MS - 1;
    push.tick();
    expect(state.builds).toBe(builds);
    clock.ms += 1;
    push.tick();
    expect(state.builds).toBe(builds + 1);
  });

  it('batches events once per tick to the renderers whose stream is on', () => {
    const { push } = rig();
    const on = renderer(true);
    const off = renderer(false);
    push.add(on.sink);
    push.add(off.sink);
    push.tick();
    expect(on.got.events).toEqual([]);
    push.append(makeEvent({ kind: Kind.SEAM_UP, endpoint: 1 }));
    push.append(makeEvent({ kind: Kind.VM_LIFECYCLE, endpoint: 1 }));
    push.tick();
    push.tick();
    expect(on.got.events.map((b) => unpackEventRecords(b).map((e) => e.kind))).toEqual([
      [Kind.SEAM_UP, Kind.VM_LIFECYCLE],
    ]);
    expect(off.got.events).toEqual([]);
  });

  it('drops a renderer whose push throws and keeps pushing to the others', () => {
    const { push, logs } = rig();
    const good = renderer();
    let calls = 0;
    push.add({
      eventsEnabled: true,
      push: () => {
        calls++;
        throw new Error('window gone');
      },
    });
    push.add(good.sink);
    push.tick();
    push.append(makeEvent({ kind: Kind.SEAM_UP, endpoint: 1 }));
    push.tick();
    expect(calls).toBe(1);
    expect(good.got.snapshot).toHaveLength(1);
    expect(good.got.events).toHaveLength(1);
    expect(logs).toEqual(['warn dropping a renderer whose push failed: Error: window gone']);
  });

  it('sends nothing to a renderer after its disposer ran', () => {
    const { push } = rig();
    const a = renderer();
    const remove = push.add(a.sink);
    remove();
    push.append(makeEvent({ kind: Kind.SEAM_UP, endpoint: 1 }));
    push.tick();
    expect(a.got).toEqual({ snapshot: [], events: [], serial: [], fleetEvents: [] });
  });

  it("batches other fleet hosts' events per host, to renderers whose stream is on", () => {
    const { push } = rig();
    const on = renderer();
    const off = renderer(false);
    push.add(on.sink);
    push.add(off.sink);
    push.appendRemote('b', makeEvent({ kind: Kind.SEAM_UP, endpoint: 1, seq: 7 }));
    push.appendRemote('b', makeEvent({ kind: Kind.SEAM_UP, endpoint: 2, seq: 8 }));
    push.appendRemote('c', makeEvent({ kind: Kind.SEAM_UP, endpoint: 1, seq: 3 }));
    push.tick();
    push.tick(); // nothing new: nothing sent
    expect(off.got.fleetEvents).toEqual([]);
    expect(on.got.fleetEvents).toHaveLength(1);
    const seqs = on.got.fleetEvents[0]!.map((b) => [
      b.host,
      unpackEventRecords(new Uint8Array(Buffer.from(b.records, 'base64'))).map((e) => e.seq),
    ]);
    expect(seqs).toEqual([
      ['b', [7, 8]],
      ['c', [3]],
    ]);
  });

  it("puts a host's gap where its missing events were: after what came before, before what came after", () => {
    const { push } = rig();
    const on = renderer();
    push.add(on.sink);
    push.appendRemote('b', makeEvent({ kind: Kind.SEAM_UP, endpoint: 1, seq: 7 }));
    push.appendRemote('c', makeEvent({ kind: Kind.SEAM_UP, endpoint: 1, seq: 3 }));
    push.appendRemoteGap('b', 12);
    push.appendRemote('b', makeEvent({ kind: Kind.SEAM_UP, endpoint: 1, seq: 20 }));
    push.tick();
    push.appendRemoteGap('c', 1);
    push.tick();
    const rows = on.got.fleetEvents.map((batch) =>
      batch.map((b) => [
        b.host,
        b.missed ?? 0,
        unpackEventRecords(new Uint8Array(Buffer.from(b.records, 'base64'))).map((e) => e.seq),
      ]),
    );
    expect(rows).toEqual([
      [
        ['b', 0, [7]],
        ['b', 12, []],
        ['b', 0, [20]],
        ['c', 0, [3]],
      ],
      // A gap alone in its tick is pushed too.
      [['c', 1, []]],
    ]);
  });

  it("carries what a host's journal filled with its gap, and the preemptor names it gave, with its events", () => {
    const { push } = rig();
    const on = renderer();
    push.add(on.sink);
    const revoked = makeEvent({
      kind: Kind.LEASE_REVOKED,
      endpoint: 1,
      seq: 9,
      inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 7 }),
    });
    push.appendRemote('b', revoked, 'robot');
    push.appendRemoteGap('b', 3, { filled: 2, complete: true, sampled: 1 });
    push.appendRemote('b', makeEvent({ kind: Kind.SEAM_UP, endpoint: 1, seq: 11 }));
    push.tick();
    const [batch] = on.got.fleetEvents;
    expect(batch!.map(({ records: _r, ...rest }) => rest)).toEqual([
      { host: 'b', preemptors: { '7': 'robot' } },
      { host: 'b', missed: 3, fill: { filled: 2, complete: true, sampled: 1 } },
      { host: 'b' },
    ]);
  });
});
