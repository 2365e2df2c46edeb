import { describe, expect, it } from 'vitest';
import type { CommandReply, InputRequest } from '../../../shared/ipc';
import { PasteRunner } from './paste-runner';
import { MacroPlays, replyPort } from '../macros';
import fs from 'node:fs';
import { KEYMAPS_DIR } from '../keymap';

const ack = (ok = true, err = ''): CommandReply => ({ kind: 'ACT_ACK', ok, err, fields: {} });

/** A fake core: records every input, answers each after a tick, reports `held`. */
function fakeCore(held: string[] = [], refuseAt = -1) {
  const sent: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = async (r: InputRequest): Promise<CommandReply> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((res) => setTimeout(res, 1));
    inFlight--;
    if (r.type !== 'key' && r.type !== 'button') throw new Error('not a key');
    sent.push(`${r.code}${r.down ? 'v' : '^'}`);
    return sent.length - 1 === refuseAt ? ack(false, 'LEASE') : ack();
  };
  const query = async (): Promise<CommandReply> => ({
    kind: 'INPUT_HELD',
    ok: true,
    err: '',
    fields: { held },
  });
  return { sent, send, query, maxInFlight: () => maxInFlight };
}

describe.skipIf(!fs.existsSync(KEYMAPS_DIR))('paste runner', () => {
  it('releases what was held, then types one acknowledged event at a time', async () => {
    const core = fakeCore(['KEY:42', 'KEY:29']);
    const runner = new PasteRunner(core.send, core.query);
    const r = await runner.type(1, 'aZ', 'en-us');
    expect(r).toEqual({ typed: 2, total: 2, cancelled: false, err: '' });
    expect(core.sent.join(' ')).toBe('42^ 29^ 30v 30^ 42v 44v 44^ 42^');
    expect(core.maxInFlight()).toBe(1);
  });

  it('types on the German layout: z and y swapped, @ with AltGr', async () => {
    const core = fakeCore();
    await new PasteRunner(core.send, core.query).type(1, 'zy@', 'de');
    expect(core.sent.join(' ')).toBe('21v 21^ 44v 44^ 100v 16v 16^ 100^');
  });

  it('cancel stops mid-way and releases the modifier it held', async () => {
    const core = fakeCore();
    const runner = new PasteRunner(core.send, core.query);
    const p = runner.type(1, 'A'.repeat(50), 'en-us');
    await new Promise((res) => setTimeout(res, 10));
    expect(runner.cancel(1)).toBe(true);
    const r = await p;
    expect(r.cancelled).toBe(true);
    expect(r.typed).toBeLessThan(50);
    const downs = new Map<string, number>();
    for (const s of core.sent)
      downs.set(s.slice(0, -1), (downs.get(s.slice(0, -1)) ?? 0) + (s.endsWith('v') ? 1 : -1));
    expect([...downs.values()].every((n) => n === 0)).toBe(true);
    expect(runner.cancel(1)).toBe(false);
  });

  it('refuses untypable text and unknown layouts before sending anything; stops at a refusal', async () => {
    const core = fakeCore([], 2);
    const runner = new PasteRunner(core.send, core.query);
    expect(await runner.type(1, 'é', 'en-us')).toMatchObject({ typed: 0, err: 'UNTYPABLE' });
    expect(await runner.type(1, 'a', 'xx')).toMatchObject({ err: 'UNKNOWN_LAYOUT' });
    expect(core.sent).toEqual([]);
    expect(runner.preview('en-us', 'aéb€')).toEqual(['é', '€']);
    const r = await runner.type(1, 'Ab', 'en-us');
    expect(r).toMatchObject({ typed: 0, err: 'LEASE' });
    expect(core.sent.at(-1)).toBe('42^'); // the Shift it pressed is let go
  });

  it('never types at once with a macro on the same VM (one shared player: the second is BUSY)', async () => {
    const core = fakeCore();
    const plays = new MacroPlays();
    const runner = new PasteRunner(core.send, core.query, plays);
    const paste = runner.type(1, 'a'.repeat(30), 'en-us');
    await new Promise((res) => setTimeout(res, 5));
    const macro = {
      steps: [
        { delayMs: 0, code: 48, down: true },
        { delayMs: 0, code: 48, down: false },
      ],
    };
    const port = replyPort(1, core.send, core.query);
    expect(await plays.play(1, port, macro, 0)).toMatchObject({ played: 0, err: 'BUSY' });
    expect(await plays.play(2, replyPort(2, core.send, core.query), macro, 0)).toMatchObject({
      played: 2,
      err: '',
    });
    expect(await paste).toMatchObject({ typed: 30, err: '' });
    const during = plays.play(1, port, { steps: Array(40).fill(macro.steps).flat() }, 0);
    await new Promise((res) => setTimeout(res, 5));
    expect(await runner.type(1, 'b', 'en-us')).toMatchObject({ typed: 0, err: 'BUSY' });
    expect(await during).toMatchObject({ played: 80, err: '' });
  });
});
