import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../command';
import { natsTarget } from './fleet-target';
import { CONNECT_OPTIONS } from './session';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-target-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string, mode: number): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text, { mode });
  fs.chmodSync(f, mode);
  return f;
};
const target = (args: string[]): ReturnType<typeof natsTarget> =>
  natsTarget(parseArgs(args, CONNECT_OPTIONS));
const NATS = ['--nats', 'nats://127.0.0.1:4222', '--host', 'b', '--nats-user', 'carol'];

describe('natsTarget: the fleet host and the NATS credentials of a command', () => {
  beforeEach(() => {
    for (const v of [
      'VMSIG_NATS',
      'VMSIG_NATS_HOST',
      'VMSIG_NATS_USER',
      'VMSIG_NATS_PASSWORD',
      'VMSIG_NATS_NKEY',
    ])
      delete process.env[v];
  });

  it('takes the nkey seed from a private --nats-nkey file, or from the file $VMSIG_NATS_NKEY names', () => {
    const seed = file('ok.nk', 'SUAFAKESEED\n', 0o600);
    expect(target([...NATS, '--nats-nkey', seed])).toEqual({
      url: 'nats://127.0.0.1:4222',
      host: 'b',
      user: 'carol',
      nkeySeed: 'SUAFAKESEED',
    });
    process.env.VMSIG_NATS_NKEY = seed;
    expect(target(NATS)?.nkeySeed).toBe('SUAFAKESEED');
  });

  it('refuses a seed or password file that group or others can read, naming the option and the fix', () => {
    const open = file('open.nk', 'SUAFAKESEED\n', 0o640);
    expect(() => target([...NATS, '--nats-nkey', open])).toThrow(/--nats-nkey: .*mode 0640.*chmod 600/);
    expect(() => target([...NATS, '--nats-password-file', open])).toThrow(
      /--nats-password-file: .*chmod 600/,
    );
  });

  it('one secret per user: a password file and an nkey exclude each other; NATS options need --nats', () => {
    const f = file('both', 'x\n', 0o600);
    expect(() => target([...NATS, '--nats-nkey', f, '--nats-password-file', f])).toThrow(
      /exclude each other/,
    );
    expect(() => target(['--nats-nkey', f])).toThrow('--nats-nkey needs --nats URL');
    expect(() => target(['--nats-user', 'carol'])).toThrow('--nats-user needs --nats URL');
    expect(target([])).toBeNull();
  });
});
