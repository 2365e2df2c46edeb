/*
 * `vmsig input record` and `input play` on another fleet host's VM (issue 11's note): a
 * nats-server and two `vmsig serve` hosts (a, b) with a tiny guest each. Alice's CLI records
 * over NATS what B's operator types on B's own socket, saves it in her macro directory, and
 * plays it back over NATS into B's guest (its shell runs the command again) and into A's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MacroStore } from '../../src/main/host/macros';
import { GUEST_READY, ensureGuest } from '../helpers/guest';
import { keyStrokes } from '../helpers/adapters-harness';
import { NatsServer, clientUser, hostUser, natsServerBin } from '../helpers/nats-server';
import { type ServeHost, startServeHost } from '../helpers/serve-host';
import { until, untilFileHas } from '../helpers/until';
import { type Run, type VmsigChild, runUntil, runVmsig, startVmsig } from '../helpers/vmsig-cli';
import { PW, hostConfig, opToken } from '../helpers/fleet-harness';

const guest = ensureGuest();
const HOSTS = ['a', 'b'] as const;
type Two = (typeof HOSTS)[number];

describe.skipIf(!guest.ok || !natsServerBin())('keyboard macros on a VM of another fleet host', () => {
  let dir: string;
  let macroDir: string;
  let nats: NatsServer;
  const hosts = {} as Record<Two, ServeHost>;
  let recording: VmsigChild | undefined;

  const aliceEnv = (): NodeJS.ProcessEnv => ({
    VMSIG_NATS_USER: 'alice',
    VMSIG_NATS_PASSWORD: PW.alice,
    VMSIG_TOKEN: '',
    VMSIG_MACRO_DIR: macroDir,
  });
  const alice = (host: Two, args: string[]): Promise<Run> =>
    runVmsig(['--nats', nats.url, '--host', host, ...args], aliceEnv());
  const locally = (h: Two, args: string[]): Promise<Run> =>
    runVmsig([...args, '--socket', hosts[h].socket], { VMSIG_TOKEN: opToken(h) });
  /** How often `marker` is in host `h`'s guest serial log. */
  const count = (h: Two, marker: string): number =>
    fs.readFileSync(hosts[h].serial(1), 'utf8').split(marker).length - 1;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-fleet-macro-'));
    macroDir = path.join(dir, 'alice-macros');
    nats = await NatsServer.start(dir, [
      ...HOSTS.map((h) => hostUser(h, PW[h])),
      clientUser('alice', PW.alice),
    ]);
    await Promise.all(
      HOSTS.map(async (h) => {
        fs.mkdirSync(path.join(dir, h));
        fs.writeFileSync(path.join(dir, h, 'nats.pw'), PW[h], { mode: 0o600 });
        hosts[h] = await startServeHost(path.join(dir, h), hostConfig(h, nats.url));
      }),
    );
    await Promise.all(HOSTS.map((h) => untilFileHas(hosts[h].serial(1), GUEST_READY, 150_000)));
    await until(
      () => HOSTS.every((h) => hosts[h].log().includes('fleet: connected to')),
      15_000,
      'both hosts on the bus',
      50,
    );
  }, 240_000);

  afterAll(async () => {
    // A failed test may leave the recording running: stopped by its PID.
    if (recording && recording.child.exitCode === null) recording.child.kill('SIGKILL');
    await Promise.all(Object.values(hosts).map((h) => h.stop()));
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("alice records over NATS what B's operator types on B's VM; her macro plays into B's guest and A's", async () => {
    // B's VM must be reachable over NATS before the recording's session opens.
    await runUntil(
      () => alice('b', ['vm', 'status', '--vm', '1']),
      (r) => r.code === 0,
      20_000,
      "B's VM 1 status over NATS",
    );
    const marker = `fleet-rec-${Date.now().toString(36)}`;
    const line = `echo ${marker} > /dev/ttyS0\n`;
    recording = await startVmsig(
      ['--nats', nats.url, '--host', 'b', 'input', 'record', 'remote-greet', '--vm', '1'],
      aliceEnv(),
      'recording key events',
    );
    const typed = await locally('b', ['input', 'type', line, '--vm', '1']);
    expect(typed.code).toBe(0);
    await untilFileHas(hosts.b.serial(1), marker, 20_000);
    // Every key event reached the recorder before it stops: the file is checked below.
    recording.child.kill('SIGINT');
    expect(await recording.exit).toBe(0);
    expect(recording.out()).toMatch(/saved macro "remote-greet": \d+ key events/);
    const file = path.join(macroDir, 'remote-greet.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const steps = new MacroStore(macroDir).load('remote-greet').steps;
    expect(steps.length).toBe(keyStrokes(line).length);
    expect(count('b', marker)).toBe(1);
    expect(count('a', marker)).toBe(0);

    const onB = await alice('b', ['input', 'play', 'remote-greet', '--vm', '1', '--speed', '3']);
    expect(onB.err).toBe('');
    expect(onB.out).toContain('played macro "remote-greet"');
    await until(() => count('b', marker) === 2, 20_000, "the marker a second time in B's guest", 100);
    expect(count('a', marker)).toBe(0);
    expect((await alice('b', ['held', '--vm', '1'])).out.trim()).toBe('VM 1: nothing held');

    // Recorded on B, played on A: the macro is alice's, not the host's.
    const onA = await alice('a', ['input', 'play', 'remote-greet', '--vm', '1', '--speed', '3']);
    expect(onA.code).toBe(0);
    await until(() => count('a', marker) === 1, 20_000, "the marker in A's guest", 100);
    expect(count('b', marker)).toBe(2);
  }, 120_000);

  it('a recording over NATS with nothing typed saves nothing', async () => {
    const quiet = await alice('b', ['input', 'record', 'remote-quiet', '--vm', '1', '--for', '1']);
    expect(quiet.code).toBe(1);
    expect(quiet.err).toContain('nothing recorded on VM 1: macro "remote-quiet" not saved');
    expect(fs.existsSync(path.join(macroDir, 'remote-quiet.json'))).toBe(false);
  });
});
