/* Subject names: every name is one token, so nothing from a config or the bus can widen a subject. */
import { describe, expect, it } from 'vitest';
import { Kind } from '../../shared/model';
import { eventSubject, hostInbound, parseSessionSubject, sessionSubject } from './subjects';

describe('fleet subjects', () => {
  it('builds and parses session subjects', () => {
    const s = sessionSubject('b', 'alice', '0123abcd', 'in');
    expect(s).toBe('vmsig.b.s.alice.0123abcd.in');
    expect(parseSessionSubject(s)).toEqual({ host: 'b', user: 'alice', sid: '0123abcd', verb: 'in' });
    expect(hostInbound('b', 'hb')).toBe('vmsig.b.s.*.*.hb');
    expect(eventSubject('b', 3, Kind.VM_LIFECYCLE)).toBe('vmsig.b.evt.3.VM_LIFECYCLE');
  });

  it.each([
    ['a.b', 'alice', 'x'],
    ['b', '*', 'x'],
    ['b', 'alice', '>'],
    ['b', '', 'x'],
  ])('refuses a name that is not one token (%s, %s, %s)', (host, user, sid) => {
    expect(() => sessionSubject(host, user, sid, 'in')).toThrow(/subject token/);
  });

  it.each([
    'vmsig.b.s.alice.x',
    'vmsig.b.s.alice.x.out.more',
    'vmsig.b.evt.alice.x.in',
    'vmsig.b.s.alice.x.exec',
    'nats.b.s.a.x.in',
  ])('parses %s as no session subject', (s) => expect(parseSessionSubject(s)).toBeNull());
});
