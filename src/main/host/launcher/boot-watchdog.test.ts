// The boot watchdog on a fake clock with scripted signals: silent with the seconds since a
// start or reset, progress by serial output or a display mode of the guest's own, one
// onSilent per boot past the budget, and an idle guest that booted is never flagged.
import { describe, expect, it } from 'vitest';
import { BootWatchdog, type DisplayMode, type WatchdogClock } from './boot-watchdog';
import { parsePpmHeader } from './display-mode';

/** A fake clock whose timers run when advance() passes their time. */
class FakeClock implements WatchdogClock {
  now = 1_000_000;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  nowMs(): number {
    return this.now;
  }
  setTimer(fn: () => void, ms: number): () => void {
    const t = { at: this.now + ms, fn, live: true };
    this.timers.push(t);
    return () => {
      t.live = false;
    };
  }
  /** Advances in 100 ms steps, running due timers and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + 100);
      for (const t of this.timers.filter((x) => x.live && x.at <= this.now)) {
        t.live = false;
        t.fn();
      }
      this.timers = this.timers.filter((x) => x.live);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  }
}

function setup(budgetMs = 20_000) {
  const clock = new FakeClock();
  const guest = { serial: 0, mode: { width: 640, height: 480 } as DisplayMode | null, looks: 0 };
  const silentCalls: number[] = [];
  const progress: string[] = [];
  const dog = new BootWatchdog(
    {
      serialBytes: () => guest.serial,
      displayMode: () => {
        guest.looks++;
        return Promise.resolve(guest.mode);
      },
    },
    {
      budgetMs,
      clock,
      onSilent: (ms) => silentCalls.push(ms),
      onProgress: (how) => progress.push(how),
    },
  );
  return { clock, guest, dog, silentCalls, progress };
}

describe('BootWatchdog', () => {
  it('reports a started guest silent with the seconds since start, until it writes to serial', async () => {
    const { clock, guest, dog, progress } = setup();
    dog.begin();
    await clock.advance(7_000);
    expect(dog.status()).toEqual({ state: 'silent', silentForS: 7 });
    guest.serial = 120;
    await clock.advance(1_000);
    expect(dog.status()).toEqual({ state: 'progressed', silentForS: null });
    expect(progress).toEqual(['serial']);
  });

  it('never flags a guest that booted and then went idle (a login prompt), and stops looking', async () => {
    const { clock, guest, dog, silentCalls } = setup();
    dog.begin();
    guest.serial = 5;
    await clock.advance(1_000);
    const looks = guest.looks;
    await clock.advance(120_000);
    expect(dog.status().state).toBe('progressed');
    expect(silentCalls).toEqual([]);
    expect(guest.looks).toBe(looks);
  });

  it('calls onSilent once when the budget passes silent, while status keeps counting', async () => {
    const { clock, dog, silentCalls } = setup(5_000);
    dog.begin();
    await clock.advance(4_500);
    expect(silentCalls).toEqual([]);
    await clock.advance(60_000);
    expect(silentCalls).toHaveLength(1);
    expect(silentCalls[0]).toBeGreaterThanOrEqual(5_000);
    expect(dog.status()).toEqual({ state: 'silent', silentForS: 64 });
  });

  it('a reset makes a booted guest silent again, counting from the reset; old output does not count', async () => {
    const { clock, guest, dog, silentCalls } = setup(5_000);
    dog.begin();
    guest.serial = 300;
    await clock.advance(2_000);
    expect(dog.status().state).toBe('progressed');
    dog.begin();
    await clock.advance(3_000);
    expect(dog.status()).toEqual({ state: 'silent', silentForS: 3 });
    await clock.advance(3_000);
    expect(silentCalls).toHaveLength(1);
    guest.serial = 301;
    await clock.advance(1_000);
    expect(dog.status().state).toBe('progressed');
  });

  it('the firmware’s text mode is no sign of life; a mode of the guest’s own is', async () => {
    const { clock, guest, dog, progress } = setup();
    dog.begin();
    await clock.advance(1_000);
    guest.mode = { width: 720, height: 400 }; // SeaBIOS: printed even when the kernel then hangs
    await clock.advance(5_000);
    expect(dog.status().state).toBe('silent');
    guest.mode = { width: 1024, height: 768 }; // the guest's framebuffer or a graphical boot menu
    await clock.advance(1_000);
    expect(dog.status().state).toBe('progressed');
    expect(progress).toEqual(['display']);
  });

  it('after a reset, the guest re-entering its graphical mode through the firmware counts', async () => {
    const { clock, guest, dog } = setup();
    guest.mode = { width: 1024, height: 768 };
    dog.begin();
    guest.serial = 1;
    await clock.advance(1_000);
    guest.serial = 1;
    dog.begin(); // RESET
    await clock.advance(1_000);
    guest.mode = { width: 720, height: 400 };
    await clock.advance(1_000);
    expect(dog.status().state).toBe('silent');
    guest.mode = { width: 1024, height: 768 };
    await clock.advance(1_000);
    expect(dog.status().state).toBe('progressed');
  });

  it('an unreadable display (null or a failing screendump) is neither progress nor a crash', async () => {
    const { clock, guest, dog } = setup();
    guest.mode = null;
    dog.begin();
    await clock.advance(3_000);
    expect(dog.status()).toEqual({ state: 'silent', silentForS: 3 });
    const failing = new BootWatchdog(
      { serialBytes: () => 0, displayMode: () => Promise.reject(new Error('QMP down')) },
      { clock },
    );
    failing.begin();
    await clock.advance(2_000);
    expect(failing.status().state).toBe('silent');
    failing.dispose();
    dog.dispose();
  });

  it('dispose stops the polling', async () => {
    const { clock, guest, dog } = setup();
    dog.begin();
    await clock.advance(2_000);
    dog.dispose();
    const looks = guest.looks;
    await clock.advance(10_000);
    expect(guest.looks).toBe(looks);
  });
});

describe('parsePpmHeader', () => {
  it('reads the width and height of a binary PPM', () => {
    expect(parsePpmHeader(Buffer.from('P6\n720 400\n255\n\x00\x00'))).toEqual({ width: 720, height: 400 });
    expect(parsePpmHeader(Buffer.from('P6 1024 768 255 '))).toEqual({ width: 1024, height: 768 });
  });

  it('refuses anything else', () => {
    expect(parsePpmHeader(Buffer.from('\x89PNG\r\n'))).toBeNull();
    expect(parsePpmHeader(Buffer.from('P6\n0 400\n255\n'))).toBeNull();
    expect(parsePpmHeader(Buffer.alloc(0))).toBeNull();
  });
});
