// A paste on another host's VM: the same key events as a local paste of the text, each sent
// to that host's core as a CMD_INPUT event and answered before the next; a refusal there
// stops it; a host the fleet view does not know is refused before anything is sent.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CommandReply, InputRequest } from '../../shared/ipc';
import { ErrorCode, InputKind, Kind, type VmsigEvent, decodeInput } from '../../shared/model';
import { KEYMAPS_DIR } from '../host/keymap';
import { PasteRunner } from '../host/console/paste-runner';
import { RemotePastes } from './remote-pastes';

const ack = (ok = true, err = ''): CommandReply => ({ kind: 'ACT_ACK', ok, err, fields: {} });
const held = (list: string[]): CommandReply => ({
  kind: 'INPUT_HELD',
  ok: true,
  err: '',
  fields: { held: list },
});

/** Host cores as the console's sessions reach them: every event recorded per host, answered after a tick. */
function fakeHosts(opts: { held?: string[]; refuseAt?: number } = {}) {
  const sent = new Map<string, VmsigEvent[]>();
  let inFlight = 0;
  let maxInFlight = 0;
  const command = async (host: string, ev: VmsigEvent): Promise<CommandReply> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    if (ev.kind === Kind.CMD_QUERY_INPUT) return held(opts.held ?? []);
    const list = sent.get(host) ?? [];
    list.push(ev);
    sent.set(host, list);
    return list.length - 1 === opts.refuseAt ? ack(false, 'LEASE') : ack();
  };
  const keys = (host: string): string[] =>
    (sent.get(host) ?? []).map((ev) => {
      const i = decodeInput(ev.inln);
      expect(i.kind).toBe(InputKind.KEY);
      return `${ev.endpoint}:${i.code}${i.value ? 'v' : '^'}`;
    });
  return { command, keys, maxInFlight: () => maxInFlight };
}

/** What a local paste of `text` sends (the reference a remote paste must match). */
async function localKeys(endpoint: number, text: string, layout: string): Promise<string[]> {
  const out: string[] = [];
  const runner = new PasteRunner(
    async (r: InputRequest) => {
      if (r.type === 'key') out.push(`${r.endpoint}:${r.code}${r.down ? 'v' : '^'}`);
      return ack();
    },
    async () => held([]),
  );
  await runner.type(endpoint, text, layout);
  return out;
}

describe.skipIf(!fs.existsSync(KEYMAPS_DIR))('remote pastes', () => {
  it("sends the local paste's key events to the owning host, one answered event at a time", async () => {
    const hosts = fakeHosts({ held: ['KEY:42'] });
    const pastes = new RemotePastes(hosts.command, (h) => h === 'b');
    const text = 'echo Hé > /dev/ttyS0\n';
    const r = await pastes.type('b', 3, text, 'fr');
    expect(r).toEqual({ typed: [...text].length, total: [...text].length, cancelled: false, err: '' });
    // What B held is let go first, then exactly what a local paste would type.
    expect(hosts.keys('b')).toEqual(['3:42^', ...(await localKeys(3, text, 'fr'))]);
    expect(hosts.keys('b').length).toBeGreaterThan([...text].length * 2);
    expect(hosts.maxInFlight()).toBe(1);
    for (const ev of [...hosts.keys('b')]) expect(ev.startsWith('3:')).toBe(true);
  });

  it("stops at the owning host's refusal and reports it", async () => {
    const hosts = fakeHosts({ refuseAt: 3 });
    const pastes = new RemotePastes(hosts.command, () => true);
    const r = await pastes.type('b', 1, 'abcdef', 'en-us');
    expect(r.err).toBe('LEASE');
    expect(r.typed).toBe(1);
    // Nothing after the refused event but the releases of what the paste held.
    expect(hosts.keys('b').length).toBeLessThanOrEqual(5);
  });

  it('keeps one paste per VM per host: VM 1 of b and VM 1 of c type side by side', async () => {
    const hosts = fakeHosts();
    const pastes = new RemotePastes(hosts.command, () => true);
    const [b, c, b2] = await Promise.all([
      pastes.type('b', 1, 'abc', 'en-us'),
      pastes.type('c', 1, 'xyz', 'en-us'),
      pastes.type('b', 1, 'second', 'en-us'),
    ]);
    expect(b.err).toBe('');
    expect(c.err).toBe('');
    expect(b2.err).toBe('BUSY');
    expect(hosts.keys('b')).toEqual(await localKeys(1, 'abc', 'en-us'));
    expect(hosts.keys('c')).toEqual(await localKeys(1, 'xyz', 'en-us'));
  });

  it('cancels a running paste, releasing what it held', async () => {
    const hosts = fakeHosts();
    const pastes = new RemotePastes(hosts.command, () => true);
    const running = pastes.type('b', 1, 'A'.repeat(200), 'en-us');
    await new Promise((r) => setTimeout(r, 30));
    expect(pastes.cancel('b', 1)).toBe(true);
    const r = await running;
    expect(r.cancelled).toBe(true);
    expect(r.typed).toBeLessThan(200);
    const keys = hosts.keys('b');
    const down = new Set<string>();
    for (const k of keys) {
      const code = k.slice(0, -1);
      if (k.endsWith('v')) down.add(code);
      else down.delete(code);
    }
    expect([...down]).toEqual([]);
    expect(pastes.cancel('b', 1)).toBe(false);
  });

  it('refuses a host the fleet view does not know, sending nothing', async () => {
    const hosts = fakeHosts();
    const pastes = new RemotePastes(hosts.command, (h) => h === 'b');
    await expect(pastes.type('nosuch', 1, 'a', 'en-us')).rejects.toMatchObject({ code: ErrorCode.NOENT });
    expect(hosts.keys('nosuch')).toEqual([]);
  });

  it('plays a macro on the owning host, one answered key at a time, sharing the VM lock with paste', async () => {
    const hosts = fakeHosts();
    const pastes = new RemotePastes(hosts.command, () => true);
    const steps = [
      { delayMs: 0, code: 42, down: true },
      { delayMs: 0, code: 30, down: true },
      { delayMs: 0, code: 30, down: false },
    ];
    const [macro, paste] = await Promise.all([
      pastes.play('b', 2, { steps }, 0),
      pastes.type('b', 2, 'x', 'en-us'),
    ]);
    expect(paste.err).toBe('BUSY');
    expect(macro).toMatchObject({ played: 3, total: 3, cancelled: false, err: '' });
    // Shift the macro left down is released at its end, on b.
    expect(hosts.keys('b')).toEqual(['2:42v', '2:30v', '2:30^', '2:42^']);
    expect(hosts.maxInFlight()).toBe(1);
    await expect(
      new RemotePastes(hosts.command, () => false).play('b', 2, { steps }, 0),
    ).rejects.toMatchObject({
      code: ErrorCode.NOENT,
    });
  });
});
