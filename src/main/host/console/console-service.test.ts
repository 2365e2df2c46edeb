import { afterEach, describe, expect, it } from 'vitest';
import { unpackEventRecords } from '../../../shared/ipc-records';
import type { PushMap, Snapshot } from '../../../shared/ipc';
import {
  Cap,
  Dir,
  ErrorCode,
  InputKind,
  Kind,
  Prio,
  Source,
  type VmsigEvent,
  decodeInput,
  makeEvent,
} from '../../../shared/model';
import { Core, ManualClock, maskOf, type ControlSpec } from '../../core';
import { openJournal } from '../journal';
import { ConsoleService, type PushSink } from './console-service';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConsoleHostPort, HostVm } from './host-port';
import { ackingAdapter } from '../../../../test/helpers/acking-adapter';

const operator: ControlSpec = {
  name: 'operator',
  principal: 1,
  caps: Cap.OBSERVE | Cap.INPUT | Cap.VM | Cap.LIFECYCLE,
  grant: maskOf([1]),
  leasePrio: 10,
};

function setup(spec: ControlSpec = operator, journalDir?: string) {
  const clock = new ManualClock(1_000_000);
  const core = new Core({ clock });
  core.addEndpoint(1, 'demo');
  const handled: VmsigEvent[] = [];
  ackingAdapter(core, Source.INPUT, 1, Prio.HIGH, (cmd) => handled.push(cmd));
  const vms: HostVm[] = [
    {
      id: 1,
      name: 'demo',
      kind: 'managed',
      state: 'running',
      error: null,
      vnc: { kind: 'unix', path: '/run/x/vm1.vnc' },
      serialPath: null,
    },
  ];
  const journal = journalDir ? openJournal(core, { dir: journalDir }) : null;
  const host: ConsoleHostPort = {
    core,
    journal: () => journal,
    vms: () => vms,
    hostOp: async () => {},
    consoleControl: () => spec,
    readiness: () => ({ qemu: null, guest: null }),
    nowNs: () => clock.nowNs(),
  };
  const svc = new ConsoleService(host, { tickMs: 5, vncUrl: (id) => `/vnc/${id}` });
  svc.start();
  const pushed: { [P in keyof PushMap]: PushMap[P][] } = {
    snapshot: [],
    events: [],
    serial: [],
    fleetEvents: [],
  };
  const sink: PushSink = {
    eventsEnabled: true,
    push: (ch, payload) => void (pushed[ch] as unknown[]).push(payload),
  };
  svc.addSink(sink);
  return { core, svc, handled, pushed, sink, journal };
}

let stopAll: (() => void)[] = [];
afterEach(() => {
  for (const s of stopAll) s();
  stopAll = [];
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ConsoleService', () => {
  it('acquires the INPUT lease through the core and then sends keys that reach the adapter', async () => {
    const t = setup();
    stopAll.push(() => t.svc.stop());
    const denied = await t.svc.dispatch('input.send', { endpoint: 1, type: 'key', code: 30, down: true });
    expect(denied).toEqual({ ok: true, value: { accepted: false, err: 'LEASE' } });
    expect(t.handled).toHaveLength(0);
    const grant = await t.svc.dispatch('lease.acquire', { endpoint: 1, cls: 'INPUT' });
    expect(grant).toMatchObject({ ok: true, value: { kind: 'LEASE_GRANTED', ok: true } });
    const sent = await t.svc.dispatch('input.send', { endpoint: 1, type: 'key', code: 30, down: true });
    expect(sent).toEqual({ ok: true, value: { accepted: true, err: '' } });
    expect(t.handled.map((e) => decodeInput(e.inln))).toEqual([
      { kind: InputKind.KEY, code: 30, value: 1, scroll: 0 },
    ]);
  });

  it('answers a lease the console has no capability for with LEASE_DENIED NOCAP', async () => {
    const t = setup();
    stopAll.push(() => t.svc.stop());
    const r = await t.svc.dispatch('lease.acquire', { endpoint: 1, cls: 'POWER' });
    expect(r).toMatchObject({ ok: true, value: { kind: 'LEASE_DENIED', ok: false, err: 'NOCAP' } });
  });

  it('rejects malformed arguments with INVAL before anything reaches the core', async () => {
    const t = setup();
    stopAll.push(() => t.svc.stop());
    for (const bad of [
      { endpoint: 0, cls: 'INPUT' },
      { endpoint: 1, cls: 'MEMWRITE' },
      { endpoint: '1', cls: 'INPUT' },
      { endpoint: 1, cls: 'INPUT', extra: 1 },
      null,
    ]) {
      const r = await t.svc.dispatch('lease.acquire', bad);
      expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.INVAL } });
    }
    expect(t.core.arbiter.list()).toHaveLength(0);
    expect(await t.svc.dispatch('nope', {})).toMatchObject({ ok: false, error: { code: 1001 } });
  });

  it('pushes snapshots with seams and leases, and batches events as packed records', async () => {
    const t = setup();
    stopAll.push(() => t.svc.stop());
    await t.svc.dispatch('lease.acquire', { endpoint: 1, cls: 'INPUT' });
    await wait(30);
    const snap = t.pushed.snapshot.at(-1) as Snapshot;
    expect(snap.vms[0]).toMatchObject({ id: 1, seams: [{ seam: 'INPUT', up: true }], vnc: '/vnc/1' });
    expect(snap.leases).toMatchObject([
      { endpoint: 1, cls: 'INPUT', controlName: 'operator', principal: 1, mine: true },
    ]);
    expect(snap.self).toMatchObject({ principal: 1, name: 'operator' });
    const kinds = t.pushed.events.flatMap((b) => unpackEventRecords(b).map((e) => e.kind));
    expect(kinds).toContain(Kind.SEAM_UP);
    expect(kinds).toContain(Kind.LEASE_GRANTED);
  });

  it('reports the preemption of its lease by a higher-priority control as LEASE_REVOKED addressed to it', async () => {
    const t = setup();
    stopAll.push(() => t.svc.stop());
    await t.svc.dispatch('lease.acquire', { endpoint: 1, cls: 'INPUT' });
    const robot = t.core.attachControl(
      { ...operator, name: 'robot', principal: 7, leasePrio: 20 },
      { wake: () => {}, closed: () => {} },
    );
    const { svc } = t;
    t.core.submit(robot, makeEvent({ kind: Kind.CMD_ACQUIRE, dir: Dir.DOWN, endpoint: 1, corr: 9 }));
    await wait(30);
    const revoked = t.pushed.events
      .flatMap((b) => unpackEventRecords(b))
      .find((e) => e.kind === Kind.LEASE_REVOKED);
    expect(revoked?.origin).toBe(svc.id);
    expect((t.pushed.snapshot.at(-1) as Snapshot).leases).toMatchObject([
      { principal: 7, controlName: 'robot', mine: false },
    ]);
  });

  it('serves the journal as history (oldest first), and says so when the host keeps none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-console-journal-'));
    const t = setup(operator, dir);
    stopAll.push(() => {
      t.svc.stop();
      t.journal?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await t.svc.dispatch('lease.acquire', { endpoint: 1, cls: 'INPUT' });
    const r = await t.svc.dispatch('history.query', { limit: 100 });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as { available: boolean; records: string; count: number };
    const kinds = unpackEventRecords(new Uint8Array(Buffer.from(v.records, 'base64'))).map((e) => e.kind);
    expect(v.available).toBe(true);
    expect(kinds.indexOf(Kind.CMD_ACQUIRE)).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf(Kind.LEASE_GRANTED)).toBeGreaterThan(kinds.indexOf(Kind.CMD_ACQUIRE));
    const none = setup();
    stopAll.push(() => none.svc.stop());
    expect(await none.svc.dispatch('history.query', { limit: 100 })).toEqual({
      ok: true,
      value: {
        available: false,
        records: '',
        count: 0,
        cursor: null,
        runStartRec: 0,
        sampled: [],
        firstRec: null,
      },
    });
  });

  it('rejects a negative or fractional history cursor', async () => {
    const t = setup();
    stopAll.push(() => t.svc.stop());
    for (const before of [-1, 1.5, '3'])
      expect(await t.svc.dispatch('history.query', { limit: 10, before })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.INVAL },
      });
  });
});
