import { describe, expect, it } from 'vitest';
import { type HeldEntry, MacroPlays, type PlayerPort, playMacro } from './macro-player';
import type { Macro } from '../../../shared/macros';

/** A port that acknowledges like the core would and records what reached it, with when. */
function recordingPort(held: HeldEntry[] = [], refuseAt = -1) {
  const sent: { type: string; code: number; down: boolean; at: number }[] = [];
  const port: PlayerPort = {
    held: () => Promise.resolve({ err: '', entries: held }),
    send(type, code, down) {
      sent.push({ type, code, down, at: performance.now() });
      return Promise.resolve(sent.length - 1 === refuseAt ? 'LEASE' : '');
    },
  };
  return { port, sent };
}

const shiftA: Macro = {
  name: 'shift-a',
  steps: [
    { delayMs: 0, code: 42, down: true },
    { delayMs: 30, code: 30, down: true },
    { delayMs: 30, code: 30, down: false },
    { delayMs: 30, code: 42, down: false },
  ],
};
const keys = (sent: { code: number; down: boolean }[]) => sent.map((s) => `${s.down ? '+' : '-'}${s.code}`);

describe('macro player', () => {
  it('releases what the VM held first, then plays every step in order', async () => {
    const { port, sent } = recordingPort([
      { type: 'key', code: 29 },
      { type: 'button', code: 0x110 },
    ]);
    const r = await playMacro(port, shiftA, 'recorded');
    expect(r).toMatchObject({ played: 4, total: 4, cancelled: false, err: '' });
    expect(r.releasedFirst).toHaveLength(2);
    expect(sent.slice(0, 2).map((s) => s.type)).toEqual(['key', 'button']);
    expect(keys(sent)).toEqual(['-29', '-272', '+42', '+30', '-30', '-42']);
  });

  it('sends no step before its time: the recorded delays from the start, or the fixed interval', async () => {
    const since = (sent: { at: number }[]) => sent.map((s) => s.at - sent[0]!.at);
    const rec = recordingPort();
    await playMacro(rec.port, shiftA, 'recorded');
    // Kept against the start (a late step does not push the later ones back); 1 ms for timer rounding.
    since(rec.sent).forEach((t, i) => expect(t).toBeGreaterThanOrEqual(i * 30 - 1));
    const fixed = recordingPort();
    await playMacro(fixed.port, shiftA, 7);
    since(fixed.sent).forEach((t, i) => expect(t).toBeGreaterThanOrEqual(i * 7 - 1));
  });

  it('a cancel mid-way stops it and releases every key the macro pressed', async () => {
    const { port, sent } = recordingPort();
    const plays = new MacroPlays();
    const done = plays.play(1, port, shiftA, 'recorded');
    expect(await plays.play(1, port, shiftA, 'recorded')).toMatchObject({ err: 'BUSY', played: 0 });
    await new Promise((r) => setTimeout(r, 45)); // after Shift and A went down
    expect(plays.cancel(1)).toBe(true);
    const r = await done;
    expect(r.cancelled).toBe(true);
    expect(r.played).toBeLessThan(4);
    const pressed = new Set<number>();
    for (const s of sent) {
      if (s.down) pressed.add(s.code);
      else pressed.delete(s.code);
    }
    expect([...pressed]).toEqual([]);
    expect(plays.cancel(1)).toBe(false);
  });

  it('a refusal stops it with the error and still releases what it pressed', async () => {
    const { port, sent } = recordingPort([], 2);
    const r = await playMacro(port, shiftA, 0);
    expect(r).toMatchObject({ played: 2, err: 'LEASE' });
    expect(keys(sent)).toEqual(['+42', '+30', '-30', '-30', '-42']);
  });
});
