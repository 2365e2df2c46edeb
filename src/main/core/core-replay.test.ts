import { describe, expect, it } from 'vitest';
import {
  Cap,
  Dir,
  Kind,
  Prio,
  SeamReason,
  Source,
  VmState,
  encodeCursor,
  encodeMemCtx,
  encodeMemCtxInvalidated,
  encodeSeam,
  encodeVmState,
  utf8Encode,
} from '../../shared/model';
import { addSeam, attach, cmd, everything, newRig } from '../../../test/helpers/core-rig';
import { kindSet } from './filter';
import { maskOf } from './endpoint-mask';

const memctx = (epoch: number) => ({
  kind: Kind.MEMCTX,
  inln: encodeMemCtx({ epoch, nseg: 0, kcr3: 0x1000n, ramSize: 1n << 28n, levels: 4, flags: 0 }),
});

/** Two endpoints with seams, lifecycle, cursor and a memory context already reported. */
function stateRig() {
  const { core } = newRig({ endpoints: [1, 2] });
  const vm1 = addSeam(core, 1, Source.VMHOST);
  const in1 = addSeam(core, 1, Source.INPUT);
  const vm2 = addSeam(core, 2, Source.VMHOST);
  const mem1 = core.registerAdapter({
    source: Source.MEMCTX,
    endpoint: 1,
    defaultPrio: Prio.NORMAL,
    codec: 3,
    handle: () => {},
  });
  mem1.emit({
    kind: Kind.SEAM_UP,
    inln: encodeSeam({ seam: Source.MEMCTX, reason: 0 }),
    payload: { bytes: utf8Encode('vm1'), codec: 0, flags: 0 },
  });
  in1.port.emit({
    kind: Kind.SEAM_DOWN,
    inln: encodeSeam({ seam: Source.INPUT, reason: SeamReason.HEARTBEAT_STALE }),
  });
  vm1.port.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: VmState.RUNNING, detail: 0 }) });
  vm1.port.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: VmState.PAUSED, detail: 0 }) });
  vm2.port.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: VmState.SHUTDOWN, detail: 0 }) });
  mem1.emit(memctx(1));
  mem1.emit(memctx(2));
  const sensor = attach(core, { caps: Cap.SENSOR });
  sensor.send(
    cmd(Kind.CURSOR_STATE, 1, { dir: Dir.UP, inln: encodeCursor({ x: 10, y: 20, visible: 1, seq: 1 }) }),
  );
  sensor.send(
    cmd(Kind.CURSOR_STATE, 1, { dir: Dir.UP, inln: encodeCursor({ x: 11, y: 21, visible: 1, seq: 2 }) }),
  );
  return { core, vm1, mem1 };
}

/** What a replay looks like, readable: [endpoint, kind, detail]. */
function summary(events: { endpoint: number; kind: number; inln: Uint8Array }[]) {
  return events.map((e) => {
    const u32 = (at: number) => new DataView(e.inln.buffer, e.inln.byteOffset).getUint32(at, true);
    const detail =
      e.kind === Kind.SEAM_UP || e.kind === Kind.SEAM_DOWN
        ? u32(0)
        : e.kind === Kind.CURSOR_STATE
          ? u32(12)
          : u32(0);
    return [e.endpoint, e.kind, detail];
  });
}

describe('state replay on SUBSCRIBE (§5)', () => {
  it('replays the last seam report of each seam, lifecycle, cursor and MEMCTX, then live events', () => {
    const { core, vm1 } = stateRig();
    const late = attach(core, { caps: Cap.OBSERVE | Cap.MEMREAD });
    late.subscribe({ ...everything(), prioMin: Prio.BULK });
    const live = vm1.port.emit({ kind: Kind.ERROR, prio: Prio.URGENT });
    const replayed = late.take();
    // Replay is queued before any live event; each class is still drained highest first,
    // so a live URGENT follows the replayed URGENT state but precedes replayed HIGH/NORMAL.
    expect(summary(replayed)).toEqual([
      [1, Kind.SEAM_DOWN, Source.INPUT],
      [1, Kind.SEAM_UP, Source.VMHOST],
      [1, Kind.SEAM_UP, Source.MEMCTX],
      [1, Kind.VM_LIFECYCLE, VmState.PAUSED],
      [2, Kind.SEAM_UP, Source.VMHOST],
      [2, Kind.VM_LIFECYCLE, VmState.SHUTDOWN],
      [1, Kind.ERROR, 0],
      [1, Kind.CURSOR_STATE, 2],
      [1, Kind.MEMCTX, 2],
    ]);
    expect(replayed[6]).toBe(live);
    expect(replayed[2]!.payload?.bytes).toEqual(utf8Encode('vm1'));
  });

  it('replays only what the new filter and the caps admit', () => {
    const { core } = stateRig();
    const noMem = attach(core, { caps: Cap.OBSERVE, grant: maskOf([1]) });
    noMem.subscribe({ ...everything(), kinds: kindSet([Kind.VM_LIFECYCLE, Kind.MEMCTX, Kind.CURSOR_STATE]) });
    expect(summary(noMem.take())).toEqual([
      [1, Kind.VM_LIFECYCLE, VmState.PAUSED],
      [1, Kind.CURSOR_STATE, 2],
    ]);
  });

  it('forgets the memory context once it is invalidated', () => {
    const { core, mem1 } = stateRig();
    mem1.emit({ kind: Kind.MEMCTX_INVALIDATED, inln: encodeMemCtxInvalidated({ epoch: 2, reason: 0 }) });
    const late = attach(core, { caps: Cap.MEMREAD });
    late.subscribe(everything());
    expect(late.take().map((e) => e.kind)).toEqual([]);
  });

  it('forgets a removed endpoint', () => {
    const { core } = stateRig();
    core.removeEndpoint(1);
    const late = attach(core, { caps: Cap.OBSERVE });
    late.subscribe(everything());
    expect(summary(late.take())).toEqual([
      [2, Kind.SEAM_UP, Source.VMHOST],
      [2, Kind.VM_LIFECYCLE, VmState.SHUTDOWN],
    ]);
  });
});
