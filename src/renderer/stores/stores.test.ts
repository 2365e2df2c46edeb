import { describe, expect, it } from 'vitest';
import type { LeaseView, Snapshot, VmView } from '../../shared/ipc';
import { nameOfPrincipal } from './controls';
import { reduceCursors } from './cursor';
import { reducePressed } from './input';
import { holdersText, leaseHolder, leasesOf } from './leases';
import { appendNotice } from './notices';
import { type VmsState, allSeamsUp, readinessMessage, reduceSnapshot } from './vms';

const vm = (id: number, host = 'running'): VmView => ({
  id,
  name: `vm${id}`,
  kind: 'managed',
  host,
  lifecycle: 'RUNNING',
  seams: [{ seam: 'INPUT', up: true, reason: 'NORMAL' }],
  error: null,
  vnc: null,
  serialPath: null,
});
const lease = (endpoint: number, cls: LeaseView['cls'], name: string, mine = false): LeaseView => ({
  endpoint,
  cls,
  controlId: 1,
  controlName: name,
  principal: 7,
  prio: 1,
  sinceNs: 0,
  sinceMs: 0,
  mine,
});
const snap = (vms: VmView[]): Snapshot => ({
  self: { controlId: 1, principal: 1, name: 'operator', caps: [] },
  vms,
  leases: [],
  controls: [],
  cursors: [],
  held: [],
  readiness: { qemu: null, guest: null },
  clock: { ns: 1, ms: 1 },
});
const base: VmsState = {
  vms: [],
  readiness: { qemu: null, guest: null },
  self: null,
  selected: null,
  starting: [],
  booting: [],
  connected: true,
  loaded: false,
  clock: null,
  wallOffsetMs: null,
};

describe('vms reducer', () => {
  it('selects the first VM, keeps a selection that still exists, and moves off a removed one', () => {
    expect(reduceSnapshot(base, snap([vm(3), vm(4)])).selected).toBe(3);
    expect(reduceSnapshot({ ...base, selected: 4 }, snap([vm(3), vm(4)])).selected).toBe(4);
    expect(reduceSnapshot({ ...base, selected: 9 }, snap([vm(3)])).selected).toBe(3);
  });
  it('keeps the start progress only while the host reports the VM starting', () => {
    expect(reduceSnapshot({ ...base, starting: [3] }, snap([vm(3, 'starting')])).starting).toEqual([3]);
    expect(reduceSnapshot({ ...base, starting: [3] }, snap([vm(3, 'running')])).starting).toEqual([]);
  });
  it('keeps a started VM booting until its guest shows output, and not past a stop', () => {
    const silent = { ...vm(3, 'running'), silentForS: 4 };
    expect(reduceSnapshot({ ...base, booting: [3] }, snap([silent])).booting).toEqual([3]);
    expect(
      reduceSnapshot({ ...base, booting: [3] }, snap([{ ...silent, silentForS: null }])).booting,
    ).toEqual([]);
    expect(reduceSnapshot({ ...base, booting: [3] }, snap([{ ...silent, host: 'stopped' }])).booting).toEqual(
      [],
    );
    expect(reduceSnapshot({ ...base, booting: [3] }, snap([])).booting).toEqual([]);
  });
  it('says plainly what is missing to run VMs', () => {
    expect(readinessMessage({ qemu: 'qemu-system-x86_64 not on PATH', guest: null })).toMatch(
      /^QEMU not found: install qemu-system-x86/,
    );
    expect(readinessMessage({ qemu: 'NOENT: QEMU not found: install qemu-system-x86', guest: null })).toBe(
      'QEMU not found: install qemu-system-x86',
    );
    expect(
      readinessMessage({ qemu: null, guest: 'test guest not built: run npm run guest (looked in /x)' }),
    ).toBe('test guest not built: run npm run guest (looked in /x)');
    expect(readinessMessage({ qemu: null, guest: null })).toBeNull();
    expect(allSeamsUp({ ...vm(1), seams: [] })).toBe(false);
  });
});

describe('lease selectors', () => {
  const leases = [lease(1, 'POWER', 'op', true), lease(1, 'INPUT', 'robot'), lease(2, 'INPUT', 'x')];
  it('find the holder of a lease and order a VM’s leases INPUT first', () => {
    expect(leaseHolder(leases, 1, 'INPUT')?.controlName).toBe('robot');
    expect(leaseHolder(leases, 3, 'INPUT')).toBeUndefined();
    expect(leasesOf(leases, 1).map((l) => l.cls)).toEqual(['INPUT', 'POWER']);
    expect(holdersText(leases, 1)).toBe('INPUT: robot (7), POWER: op (7)');
    expect(holdersText(leases, 5)).toBe('free');
  });
  it('name a preemptor by its principal', () => {
    const controls = [
      {
        id: 2,
        name: 'robot',
        principal: 7,
        caps: [],
        grant: [],
        leasePrio: 20,
        subscription: null,
        queued: 0,
        delivered: 0,
        dropped: 0,
        self: false,
      },
    ];
    expect(nameOfPrincipal(controls, 7)).toBe('robot (principal 7)');
    expect(nameOfPrincipal(controls, 9)).toBe('principal 9');
  });
});

describe('input and cursor reducers', () => {
  it('tracks pressed codes without duplicates', () => {
    expect(reducePressed(reducePressed([], 29, true), 29, true)).toEqual([29]);
    expect(reducePressed([29, 56], 29, false)).toEqual([56]);
  });
  it('keeps the same cursor map object when nothing moved', () => {
    const c = { endpoint: 1, x: 5, y: 6, visible: true, seq: 1 };
    const prev = reduceCursors({}, [c]);
    expect(reduceCursors(prev, [{ ...c }])).toBe(prev);
    expect(reduceCursors(prev, [{ ...c, x: 7 }])[1]!.x).toBe(7);
  });
  it('keeps at most 50 notices, newest last', () => {
    let list = appendNotice([], 'info', 'first', 0);
    for (let i = 0; i < 60; i++) list = appendNotice(list, 'error', `n${i}`, i);
    expect(list).toHaveLength(50);
    expect(list.at(-1)!.text).toBe('n59');
  });
});
