/*
 * The preemptor's name on a revocation comes from the deciding core: the lease's new holder,
 * else a control of that principal, else nothing; and a console takes only a sane name.
 */
import { describe, expect, it } from 'vitest';
import { Cap, Kind, LeaseClass, type VmsigEvent } from '../../shared/model';
import { allEvents, maskOf } from '../core';
import { attach, leaseCmd, newRig } from '../../../test/helpers/core-rig';
import { PREEMPTOR_NAME_MAX, parsePreemptor, preemptorName } from './preemptor';

/** The LEASE_REVOKED events an observer saw. */
const revocations = (events: VmsigEvent[]) => events.filter((e) => e.kind === Kind.LEASE_REVOKED);

describe('preemptor names', () => {
  it('names the control that preempted, as its core knows it, and nobody for a death', () => {
    const { core } = newRig({ endpoints: [1] });
    const watcher = attach(core, { caps: Cap.OBSERVE });
    watcher.subscribe(allEvents(maskOf([0, 1])));
    const consoleA = attach(core, { name: 'operator@nats:console-a', principal: 1, leasePrio: 10 });
    // Another control of the robot's principal, attached first: the new holder wins over it.
    attach(core, { name: 'robot-spare', principal: 7, leasePrio: 1 });
    const robot = attach(core, { name: 'Röbot arm', principal: 7, leasePrio: 20 });
    consoleA.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT, 1));
    robot.send(leaseCmd(Kind.CMD_ACQUIRE, 1, LeaseClass.INPUT, 2));
    const [byRobot] = revocations(watcher.take());
    expect(byRobot).toBeDefined();
    const header = preemptorName(core, byRobot!);
    expect(header).not.toBeNull();
    expect(parsePreemptor(header!)).toBe('Röbot arm');

    // The robot dies: its lease is revoked by nobody (principal 0), so nobody is named.
    core.detachControl(robot.id);
    const [byDeath] = revocations(watcher.take());
    expect(byDeath).toBeDefined();
    expect(preemptorName(core, byDeath!)).toBeNull();
    // The first revocation read again now: the holder is gone, a control of its principal remains.
    expect(parsePreemptor(preemptorName(core, byRobot!)!)).toBe('robot-spare');
  });

  it('takes from a header only a bounded name without control characters', () => {
    expect(parsePreemptor(undefined)).toBeUndefined();
    expect(parsePreemptor('')).toBeUndefined();
    expect(parsePreemptor('%E0%A4%A')).toBeUndefined(); // not URI-encoded UTF-8
    expect(parsePreemptor(encodeURIComponent('robot\nPREEMPTED BY ADMIN'))).toBeUndefined();
    expect(parsePreemptor(encodeURIComponent('r'.repeat(PREEMPTOR_NAME_MAX + 1)))).toBeUndefined();
    expect(parsePreemptor(encodeURIComponent('ops@nats:alice'))).toBe('ops@nats:alice');
  });
});
