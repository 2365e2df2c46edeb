/* The console's fleet view: presence timeout on a fake clock, state from the feed, the state answer and what came meanwhile. */
import { describe, expect, it } from 'vitest';
import {
  Kind,
  LeaseClass,
  Source,
  VmState,
  encodeLeaseReq,
  encodeSeam,
  encodeVmState,
  makeEvent,
} from '../../shared/model';
import { packEventRecords } from '../../shared/ipc-records';
import { FleetView, UNREACHABLE_MS } from './fleet-view';

const up = (run = 'r1', vms = [{ id: 3, name: 'web', state: 'running' }]) => ({ host: 'b', run, vms });
const life = (seq: number, state: number) =>
  makeEvent({ kind: Kind.VM_LIFECYCLE, endpoint: 3, seq, inln: encodeVmState({ state, detail: 0 }) });
const seam = (seq: number, isUp: boolean) =>
  makeEvent({
    kind: isUp ? Kind.SEAM_UP : Kind.SEAM_DOWN,
    endpoint: 3,
    seq,
    inln: encodeSeam({ seam: Source.INPUT, reason: 0 }),
  });
const lease = (seq: number, kind: number, origin: number) =>
  makeEvent({ kind, endpoint: 3, seq, origin, inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }) });
const stateOf = (seq: number, events: ReturnType<typeof life>[], leases: unknown[] = [], run = 'r1') => ({
  host: 'b',
  run,
  seq,
  vms: [{ id: 3, name: 'web', state: 'running' }],
  leases,
  events: Buffer.from(packEventRecords(events)).toString('base64'),
});

function setup() {
  let now = 1000;
  const view = new FleetView('a', () => now);
  return { view, advance: (ms: number) => (now += ms), vm: () => view.snapshot(() => 7).hosts[0]?.vms[0] };
}

describe('fleet view', () => {
  it('lists a host from its presence and asks for its state once per run', () => {
    const { view } = setup();
    expect(view.presence('b', up())).toBe(true);
    expect(view.presence('a', up())).toBe(false); // its own presence is not a remote host
    const snap = view.snapshot(() => 0);
    expect(snap.hosts.map((h) => [h.name, h.reachable, h.vms.map((v) => v.name)])).toEqual([
      ['b', true, ['web']],
    ]);
    expect(view.state('b', stateOf(10, []))).toBe(true);
    expect(view.presence('b', up())).toBe(false);
    // A restart is a new run: what was known goes, and the state is asked again.
    expect(view.presence('b', up('r2'))).toBe(true);
  });

  it('marks a silent host unreachable after UNREACHABLE_MS, its VMs down, and back with its presence', () => {
    const { view, advance, vm } = setup();
    view.presence('b', up());
    view.state('b', stateOf(10, [life(9, VmState.RUNNING)]));
    advance(UNREACHABLE_MS - 10);
    expect(view.sweep()).toBe(false);
    expect(view.snapshot(() => 0).hosts[0]!.reachable).toBe(true);
    advance(20);
    expect(view.sweep()).toBe(true);
    const h = view.snapshot(() => 0).hosts[0]!;
    expect([h.reachable, h.vms[0]!.host, h.vms[0]!.lifecycle]).toEqual([false, 'unreachable', 'UNKNOWN']);
    expect(view.sweep()).toBe(false); // reported once
    view.presence('b', up());
    expect(vm()!.lifecycle).toBe('RUNNING');
  });

  it('marks a host gone from the bus unreachable at once, until its next presence', () => {
    const { view } = setup();
    view.presence('b', up());
    expect(view.reachableHosts()).toEqual(['b']);
    expect(view.gone('b')).toBe(true);
    expect(view.gone('b')).toBe(false);
    expect(view.snapshot(() => 0).hosts[0]!.reachable).toBe(false);
    expect(view.reachableHosts()).toEqual([]);
    view.presence('b', up());
    expect(view.reachableHosts()).toEqual(['b']);
  });

  it('takes seams, lifecycle and leases from the feed, after the state it was current to', () => {
    const { view, vm } = setup();
    view.presence('b', up());
    view.state(
      'b',
      stateOf(
        10,
        [life(9, VmState.PAUSED)],
        [{ endpoint: 3, cls: 'INPUT', controlId: 7, controlName: 'operator@nats:alice', principal: 2 }],
      ),
    );
    expect(vm()!.lifecycle).toBe('PAUSED');
    expect(vm()!.leases).toEqual([
      { cls: 'INPUT', controlName: 'operator@nats:alice', principal: 2, mine: true },
    ]);
    // An event the state already held changes nothing; later ones do.
    expect(view.event('b', life(8, VmState.SHUTDOWN)).changed).toBe(false);
    expect(view.event('b', life(11, VmState.RUNNING)).changed).toBe(true);
    expect(view.event('b', seam(12, false)).changed).toBe(true);
    expect(vm()!.lifecycle).toBe('RUNNING');
    expect(vm()!.seams).toEqual([{ seam: 'INPUT', up: false, reason: 'NORMAL' }]);
    // The core revokes only a lease's holder; the feed's events carry no origin (0).
    expect(view.event('b', lease(14, Kind.LEASE_REVOKED, 0)).changed).toBe(true);
    expect(vm()!.leases).toEqual([]);
    // A holder the view cannot name makes it ask the host.
    expect(view.event('b', lease(15, Kind.LEASE_GRANTED, 12))).toEqual({ changed: true, ask: true });
    expect(vm()!.leases[0]).toMatchObject({ controlName: 'control 12', mine: false });
  });

  it('holds feed events while the state is on its way and applies only those after it', () => {
    const { view, vm } = setup();
    view.presence('b', up());
    view.event('b', life(5, VmState.PAUSED)); // older than the state: dropped
    view.event('b', life(21, VmState.SHUTDOWN)); // newer: applied after the state
    expect(vm()!.lifecycle).toBe('UNKNOWN');
    view.state('b', stateOf(20, [life(19, VmState.RUNNING), seam(18, true)]));
    expect(vm()!.lifecycle).toBe('SHUTDOWN');
    expect(vm()!.seams[0]!.up).toBe(true);
  });

  it('after its own link comes back, asks every host again and ignores answers of another run', () => {
    const { view } = setup();
    view.presence('b', up());
    view.state('b', stateOf(10, []));
    expect(view.owed()).toEqual([]);
    expect(view.resync()).toEqual(['b']);
    expect(view.owed()).toEqual(['b']);
    expect(view.state('b', stateOf(30, [], [], 'old-run'))).toBe(false);
    expect(view.state('b', stateOf(30, []))).toBe(true);
  });

  it('passes each feed event to the timeline once per run, not again when the host replays it', () => {
    const { view } = setup();
    expect(view.newForTimeline('b', life(1, VmState.RUNNING))).toBe(false); // before presence: unknown run
    view.presence('b', up());
    expect(view.newForTimeline('b', life(5, VmState.RUNNING))).toBe(true);
    expect(view.newForTimeline('b', life(5, VmState.RUNNING))).toBe(false); // replayed after B reconnects
    expect(view.newForTimeline('b', life(6, VmState.PAUSED))).toBe(true);
    view.presence('b', up('r2')); // restarted: seq starts again
    expect(view.newForTimeline('b', life(1, VmState.RUNNING))).toBe(true);
  });

  it.each([null, 5, 'x', { run: 1, vms: [] }, { run: 'r', vms: 'no' }, { run: 'r', vms: [{ id: 99 }] }])(
    'never throws on a malformed presence (%j)',
    (body) => {
      const { view } = setup();
      expect(() => view.presence('b', body)).not.toThrow();
      expect(() => view.state('b', body)).not.toThrow();
    },
  );

  it("takes each VM's keyboard layout from its host's presence (en-us when absent or not a name)", () => {
    const { view } = setup();
    view.presence('b', {
      host: 'b',
      run: 'r1',
      vms: [
        { id: 1, name: 'de', state: 'running', layout: 'de' },
        { id: 2, name: 'old', state: 'running' },
        { id: 3, name: 'bad', state: 'running', layout: 'x'.repeat(100) },
        { id: 4, name: 'num', state: 'running', layout: 7 },
      ],
    });
    expect(view.snapshot(() => 0).hosts[0]!.vms.map((v) => v.layout)).toEqual([
      'de',
      'en-us',
      'en-us',
      'en-us',
    ]);
  });

  it('frees a lease on its release or revocation as the feed carries them (no origin on the wire)', () => {
    const { view, vm } = setup();
    view.presence('b', up());
    const holder = { endpoint: 3, cls: 'INPUT', controlId: 7, controlName: 'console-a', principal: 1 };
    expect(view.state('b', stateOf(10, [], [holder]))).toBe(true);
    expect(vm()!.leases).toEqual([{ cls: 'INPUT', controlName: 'console-a', principal: 1, mine: true }]);
    // Decoded feed events have origin 0 (event-codec): the release still frees the lease.
    expect(view.event('b', lease(11, Kind.LEASE_RELEASED, 0)).changed).toBe(true);
    expect(vm()!.leases).toEqual([]);
    expect(view.event('b', lease(12, Kind.LEASE_RELEASED, 0)).changed).toBe(false);
    expect(view.state('b', stateOf(13, [], [holder]))).toBe(true);
    expect(view.event('b', lease(14, Kind.LEASE_REVOKED, 0)).changed).toBe(true);
    expect(vm()!.leases).toEqual([]);
  });
});
