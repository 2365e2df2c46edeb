// Per-window streams through the console service: the state replayed on events.subscribe
// goes to the subscribing window alone and only where its journal history lacks it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackEventRecords } from '../../../shared/ipc-records';
import type { InvokeResponse, IpcResult, PushMap } from '../../../shared/ipc';
import { Cap, Kind, Prio, Source, VmState, encodeVmState } from '../../../shared/model';
import { addSeam } from '../../../../bench/lib/core-rig';
import { standInHost } from '../../../../test/helpers/stand-in-host';
import { openJournal } from '../journal';
import { ConsoleService, type PushSink } from './console-service';
import type { ConsoleHostPort } from './host-port';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

/** A core with VM 1 whose INPUT seam came up before the journal opened and whose lifecycle after. */
function setup(withJournal: boolean) {
  const stand = standInHost();
  const { core } = stand;
  const vmhost = addSeam(core, 1, Source.VMHOST, Prio.HIGH).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-hp-'));
  const journal = withJournal ? openJournal(core, { dir }) : null;
  const host: ConsoleHostPort = {
    ...stand,
    journal: () => journal,
    consoleControl: () => ({ ...stand.consoleControl()!, caps: Cap.OBSERVE | Cap.LIFECYCLE }),
  };
  const svc = new ConsoleService(host, { tickMs: 5 });
  svc.start();
  stops.push(() => {
    svc.stop();
    journal?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  vmhost.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: VmState.RUNNING, detail: 0 }) });
  const sink = (): PushSink & { got: Uint8Array[] } => {
    const got: Uint8Array[] = [];
    return {
      eventsEnabled: false,
      got,
      push: (ch, p) => void (ch === 'events' && got.push(p as PushMap['events'])),
    };
  };
  return { svc, sink };
}

const kinds = (b64: string): number[] =>
  unpackEventRecords(new Uint8Array(Buffer.from(b64, 'base64'))).map((e) => e.kind);
type Sub = IpcResult<InvokeResponse<'events.subscribe'>>;
type Hist = IpcResult<InvokeResponse<'history.query'>>;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('replayed state on events.subscribe', () => {
  it('goes to the subscriber alone, only for what its journal history lacks', async () => {
    const t = setup(true);
    const first = t.sink();
    t.svc.addSink(first);
    const a = (await t.svc.dispatch('events.subscribe', { enabled: true }, first)) as Sub;
    await wait(30);
    const second = t.sink();
    t.svc.addSink(second);
    const b = (await t.svc.dispatch('events.subscribe', { enabled: true }, second)) as Sub;
    await wait(30);
    if (!a.ok || !b.ok) throw new Error('subscribe failed');
    // The seam came up before the journal opened: only it is state; the lifecycle is history.
    expect(kinds(a.value.state)).toEqual([Kind.SEAM_UP]);
    expect(kinds(b.value.state)).toEqual([Kind.SEAM_UP]);
    const hist = (await t.svc.dispatch('history.query', { limit: 10 }, second)) as Hist;
    if (!hist.ok) throw new Error('history failed');
    expect(kinds(hist.value.records)).toEqual([Kind.VM_LIFECYCLE]);
    // The second subscribe replayed nothing into the first window's live stream.
    expect(first.got.flatMap((g) => unpackEventRecords(g))).toEqual([]);
    expect(a.value.run).toBe(b.value.run);
    expect(b.value.mark).toBeGreaterThanOrEqual(a.value.mark!);
  });

  it('sends all the state without a journal, and names no mark', async () => {
    const t = setup(false);
    const s = t.sink();
    t.svc.addSink(s);
    const r = (await t.svc.dispatch('events.subscribe', { enabled: true }, s)) as Sub;
    if (!r.ok) throw new Error('subscribe failed');
    expect(kinds(r.value.state)).toEqual([Kind.SEAM_UP, Kind.VM_LIFECYCLE]);
    expect(r.value.mark).toBeNull();
    expect(r.value.seq).toBe(2);
  });
});
