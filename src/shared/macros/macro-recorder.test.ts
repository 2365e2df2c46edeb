import { describe, expect, it } from 'vitest';
import { MacroRecorder } from './macro-recorder';

describe('macro recorder', () => {
  it('keeps the delays between steps, drops repeats and releases it never saw pressed', () => {
    const r = new MacroRecorder();
    r.key(1000, 42, false); // a holder's clean-up before the typing started
    r.key(1000, 42, true);
    r.key(1040, 30, true);
    r.key(1045, 30, true); // auto-repeat
    r.key(1100, 30, false);
    r.key(1130, 42, false);
    expect(r.finish()).toEqual([
      { delayMs: 0, code: 42, down: true },
      { delayMs: 40, code: 30, down: true },
      { delayMs: 60, code: 30, down: false },
      { delayMs: 30, code: 42, down: false },
    ]);
  });

  it('releases keys still down at the end, newest first, and clips long pauses to a minute', () => {
    const r = new MacroRecorder();
    r.key(0, 29, true);
    r.key(500_000, 56, true);
    expect(r.finish()).toEqual([
      { delayMs: 0, code: 29, down: true },
      { delayMs: 60_000, code: 56, down: true },
      { delayMs: 0, code: 56, down: false },
      { delayMs: 0, code: 29, down: false },
    ]);
  });
});
