/*
 * Keyboard macros on the real guest (issue 11, item 5): `vmsig input record` follows
 * another client's typing from the VM's CMD_INPUT stream and saves it 0600; `input play`
 * types it again (recorded and fixed speed) and the guest's shell runs it, so its marker
 * reaches ttyS0 once more; a play cancelled with SIGINT while it holds Shift leaves nothing
 * held, and a client that releases nothing itself then types lower case.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MacroStore } from '../../src/main/host/macros';
import { JournalReader } from '../../src/main/host/journal';
import { InputKind, Kind, LeaseClass, encodeInput, encodeLeaseReq } from '../../src/shared/model';
import { WireClient } from '../../src/main/wire';
import { KEY } from '../../src/shared/keys';
import { ensureGuest } from '../helpers/guest';
import { type GuestHost, startGuestHost } from '../helpers/guest-host';
import { until, untilFileHas } from '../helpers/until';
import { type VmsigChild, runVmsig, runUntil, startVmsig } from '../helpers/vmsig-cli';
import { keyStrokes } from '../helpers/adapters-harness';

const OPERATOR = 'macros-operator';
const ROBOT = 'macros-robot';
const guest = ensureGuest();

describe.skipIf(!guest.ok)('keyboard macros on a real guest', () => {
  let dir: string;
  let macroDir: string;
  let gh: GuestHost;
  let serial: string;
  let sock: string;
  const oldMacroDir = process.env.VMSIG_MACRO_DIR;
  const as = (token: string, args: string[]) =>
    runVmsig([...args, '--socket', sock], { VMSIG_TOKEN: token, VMSIG_MACRO_DIR: macroDir });
  const held = async () => (await as(OPERATOR, ['held', '--vm', '1'])).out.trim();
  /** How often `marker` is in the guest's serial log. */
  const count = (marker: string) => fs.readFileSync(serial, 'utf8').split(marker).length - 1;

  /** `vmsig ...args` on this host's socket as the operator, left running; resolves once it printed `ready`. */
  const startCli = (args: string[], ready?: string): Promise<VmsigChild> =>
    startVmsig([...args, '--socket', sock], { VMSIG_TOKEN: OPERATOR, VMSIG_MACRO_DIR: macroDir }, ready);

  beforeAll(async () => {
    gh = await startGuestHost({ prefix: 'vmsig-macros-', operator: OPERATOR, robot: ROBOT, journal: true });
    ({ dir, serial, sock } = gh);
    macroDir = path.join(dir, 'macros');
  }, 120_000);

  afterAll(async () => {
    await gh?.stop();
    if (oldMacroDir === undefined) delete process.env.VMSIG_MACRO_DIR;
    else process.env.VMSIG_MACRO_DIR = oldMacroDir;
  });

  it('records another client’s typing from the event stream and plays it back into the guest', async () => {
    const marker = `macro-rec-${Date.now().toString(36)}`;
    const rec = await startCli(['input', 'record', 'greet', '--vm', '1'], 'recording key events');
    const typed = await as(ROBOT, ['input', 'type', `echo ${marker} > /dev/ttyS0\n`, '--vm', '1']);
    expect(typed.code).toBe(0);
    await untilFileHas(serial, marker, 20_000);
    rec.child.kill('SIGINT');
    expect(await rec.exit).toBe(0);
    expect(rec.out()).toMatch(/saved macro "greet": \d+ key events/);
    const file = path.join(macroDir, 'greet.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(macroDir).mode & 0o777).toBe(0o700);
    // Every key the robot typed, each pressed and released: "echo" alone is 8 events.
    expect(new MacroStore(macroDir).load('greet').steps.length).toBe(
      keyStrokes(`echo ${marker} > /dev/ttyS0\n`).length,
    );
    expect((await as(OPERATOR, ['input', 'macros'])).out).toMatch(/^greet\t\d+ key events\t\d+ ms$/m);

    expect(count(marker)).toBe(1);
    const played = await as(OPERATOR, ['input', 'play', 'greet', '--vm', '1']);
    expect(played.err).toBe('');
    expect(played.out).toContain('played macro "greet"');
    await until(() => count(marker) === 2, 20_000, 'the recorded macro’s marker a second time', 100);
    const fixed = await as(OPERATOR, ['input', 'play', 'greet', '--vm', '1', '--speed', '3']);
    expect(fixed.code).toBe(0);
    await until(() => count(marker) === 3, 20_000, 'the marker at fixed speed', 100);
    expect(await held()).toBe('VM 1: nothing held');
    // Journaled like any input: both plays' key events, as the operator's commands, none refused.
    const steps = new MacroStore(macroDir).load('greet').steps.length;
    const journaled = new JournalReader(path.join(dir, 'journal'))
      .query({ limit: 20_000, order: 'asc' })
      .records.filter((r) => r.event.kind === Kind.CMD_INPUT && r.principal === 1);
    expect(journaled).toHaveLength(2 * steps);
    expect(journaled.filter((r) => r.refused)).toEqual([]);
  }, 90_000);

  it('refuses a macro file others can read, names a bad one, and saves no empty recording', async () => {
    const file = path.join(macroDir, 'greet.json');
    fs.chmodSync(file, 0o644);
    const r = await as(OPERATOR, ['input', 'play', 'greet', '--vm', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/PERM: refusing .*greet\.json: mode 644 lets others read it/);
    fs.chmodSync(file, 0o600);
    fs.writeFileSync(path.join(macroDir, 'broken.json'), '{"vmsigMacro":1,"name":"broken","steps":[', {
      mode: 0o600,
    });
    const b = await as(OPERATOR, ['input', 'play', 'broken', '--vm', '1']);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/INVAL: .*broken\.json: not JSON/);
    fs.rmSync(path.join(macroDir, 'broken.json'));
    // --for ends a recording by itself; with nothing typed nothing is saved.
    const quiet = await as(OPERATOR, ['input', 'record', 'quiet', '--vm', '1', '--for', '1']);
    expect(quiet.code).toBe(1);
    expect(quiet.err).toContain('nothing recorded on VM 1: macro "quiet" not saved');
    expect(fs.existsSync(path.join(macroDir, 'quiet.json'))).toBe(false);
  });

  it('a play cancelled while it holds Shift leaves nothing held; the next character is unmodified', async () => {
    const a = 30;
    new MacroStore(macroDir).save({
      name: 'shouting',
      steps: [
        { delayMs: 0, code: KEY.LEFTSHIFT, down: true },
        ...Array.from({ length: 200 }, (_, i) => ({ delayMs: 25, code: a, down: i % 2 === 0 })),
        { delayMs: 0, code: KEY.LEFTSHIFT, down: false },
      ],
    });
    const play = await startCli(['input', 'play', 'shouting', '--vm', '1'], undefined);
    await runUntil(
      () => as(OPERATOR, ['held', '--vm', '1']),
      (r) => r.out.includes('KEY:42'),
      20_000,
      'Shift held by the macro',
    );
    play.child.kill('SIGINT');
    expect(await play.exit).toBe(130);
    expect(play.out()).toMatch(/cancelled after \d+ of 202 key events; keys released/);
    expect(await held()).toBe('VM 1: nothing held');
    // A client that releases nothing itself: a Shift left held would make this "ECHO ..."
    // and nothing would reach ttyS0.
    const marker = `after-macro-${Date.now().toString(36)}`;
    const c = await WireClient.connect(sock);
    try {
      await c.hello(ROBOT, 'raw-typist');
      const lease = await c.request({
        kind: Kind.CMD_ACQUIRE,
        endpoint: 1,
        inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }),
      });
      expect(lease.kind).toBe(Kind.LEASE_GRANTED);
      for (const k of keyStrokes(`\necho ${marker} > /dev/ttyS0\n`))
        await c.request({
          kind: Kind.CMD_INPUT,
          endpoint: 1,
          inln: encodeInput({ kind: InputKind.KEY, code: k.code, value: k.value, scroll: 0 }),
        });
    } finally {
      await c.close();
    }
    await untilFileHas(serial, marker, 20_000);
  }, 90_000);
});
