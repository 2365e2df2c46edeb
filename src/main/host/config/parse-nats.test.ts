/* The `nats` object: credentials required, names are single subject tokens, users map to existing controls. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config';

const controls = [{ name: 'ops', principal: 2, token: 't-ops', caps: ['OBSERVE'], endpoints: 'all' }];
const reader = (file: string): string => `secret-of-${file.split('/').pop()}`;
const parse = (nats: Record<string, unknown>) =>
  parseConfig(
    { controls, nats: { url: 'nats://127.0.0.1:4222', host: 'b', user: 'host-b', ...nats } },
    '/cfg/c.json',
    reader,
  );

describe('nats config', () => {
  it('maps NATS users to configured controls and reads the password file', () => {
    const c = parse({ passwordFile: 'pw', users: { alice: 'ops' } });
    expect(c.nats?.password).toBe('secret-of-pw');
    expect(c.nats?.users.get('alice')?.principal).toBe(2);
  });

  it("reads the console's own NATS identity (nats.console), password or nkey", () => {
    const c = parse({ passwordFile: 'pw', users: {}, console: { user: 'console-b', passwordFile: 'cpw' } });
    expect(c.nats?.console).toEqual({ user: 'console-b', password: 'secret-of-cpw' });
    const k = parse({ passwordFile: 'pw', users: {}, console: { user: 'console-b', nkeySeedFile: 'seed' } });
    expect(k.nats?.console).toEqual({ user: 'console-b', nkeySeed: 'secret-of-seed' });
  });

  it.each([
    [
      { passwordFile: 'pw', users: {}, console: { user: 'host-b', passwordFile: 'p' } },
      /NATS user of its own/,
    ],
    [{ passwordFile: 'pw', users: {}, console: { user: 'c' } }, /nats\.console.*exactly one/],
    [{ passwordFile: 'pw', users: {}, console: { user: 'c', passwordFile: 'p', token: 'x' } }, /token/],
    [{ users: { alice: 'ops' } }, /exactly one of passwordFile and nkeySeedFile/],
    [{ passwordFile: 'pw', nkeySeedFile: 'seed', users: {} }, /exactly one/],
    [{ passwordFile: 'pw', users: { alice: 'nobody' } }, /nats\.users\.alice.*no control named "nobody"/],
    [{ passwordFile: 'pw', users: { 'a.>': 'ops' } }, /subject token|must match/],
    [{ passwordFile: 'pw', users: { 'host-b': 'ops' } }, /own NATS user/],
    [{ passwordFile: 'pw', users: {}, host: 'b.*' }, /nats\.host/],
    [{ passwordFile: 'pw', users: {}, url: 'nats://u:p@127.0.0.1:4222' }, /without credentials/],
  ])('refuses %j', (nats, why) => {
    expect(() => parse(nats)).toThrow(why);
  });
});
