import { describe, expect, it } from 'vitest';
import { FramePacer, type PacerHost, TYPING_FRAME_MS, TYPING_HOLD_MS } from './frame-pacer';

/** Lets settled promises' callbacks run. */
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** A pacer on a hand-driven clock: frames and timers run only when the test says. */
function rig() {
  let now = 0;
  let frames: ((t: number) => void)[] = [];
  let timers: { at: number; cb: () => void }[] = [];
  const host: PacerHost = {
    now: () => now,
    frame: (cb) => void frames.push(cb),
    after: (ms, cb) => void timers.push({ at: now + ms, cb }),
  };
  const pacer = new FramePacer(host);
  const drawn: number[] = [];
  return {
    pacer,
    drawn,
    draw: (t: number) => void drawn.push(t),
    /** Advances the clock, firing due timers, then runs the frames asked for by then. */
    advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.cb();
      const run = frames;
      frames = [];
      for (const f of run) f(now);
    },
    framesAsked: () => frames.length,
  };
}

describe('FramePacer', () => {
  it('draws at the next frame when no input flows, once however often it was asked', () => {
    const r = rig();
    r.pacer.request(r.draw);
    r.pacer.request(r.draw);
    expect(r.framesAsked()).toBe(1);
    r.advance(16);
    expect(r.drawn).toEqual([16]);
  });

  it('holds draws while keys flow and runs them once the host has a key, at most every TYPING_FRAME_MS', async () => {
    const r = rig();
    r.pacer.noteInput(Promise.resolve());
    r.pacer.request(r.draw);
    expect(r.framesAsked(), 'no frame while typing').toBe(0);
    // Keys every 50 ms: a frame is asked by the first key 250 ms or more after the last draw.
    const drawsAt: number[] = [];
    for (let t = 50; t <= 1000; t += 50) {
      r.advance(50);
      r.pacer.request(r.draw);
      r.pacer.noteInput(Promise.resolve());
      const before = r.drawn.length;
      await flush();
      r.advance(0);
      if (r.drawn.length > before) drawsAt.push(t);
    }
    expect(drawsAt.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < drawsAt.length; i++)
      expect(drawsAt[i]! - drawsAt[i - 1]!).toBeGreaterThanOrEqual(TYPING_FRAME_MS);
  });

  it("draws nothing while the key is on its way: the frame waits for the host's answer", async () => {
    const r = rig();
    r.pacer.noteInput(Promise.resolve());
    r.pacer.request(r.draw);
    await flush();
    r.advance(0);
    expect(r.drawn, 'drawn once the first key was answered').toHaveLength(1);
    r.pacer.request(r.draw);
    r.advance(TYPING_FRAME_MS);
    expect(r.drawn, 'held while typing').toHaveLength(1);
    let answer!: () => void;
    r.pacer.noteInput(new Promise<void>((res) => (answer = res)));
    await flush();
    r.advance(5);
    expect(r.framesAsked(), 'no frame before the host answered').toBe(0);
    expect(r.drawn).toHaveLength(1);
    answer();
    await flush();
    expect(r.framesAsked()).toBe(1);
    r.advance(3);
    expect(r.drawn).toHaveLength(2);
  });

  it('a refused or failed send also lets the frame run', async () => {
    const r = rig();
    r.pacer.noteInput(Promise.resolve());
    r.pacer.request(r.draw);
    r.advance(TYPING_FRAME_MS);
    r.pacer.noteInput(Promise.reject(new Error('socket closed')));
    await flush();
    r.advance(0);
    expect(r.drawn).toHaveLength(1);
  });

  it('catches up once input stops', () => {
    const r = rig();
    r.pacer.noteInput(Promise.resolve());
    r.pacer.request(r.draw);
    r.advance(TYPING_HOLD_MS - 1);
    expect(r.drawn).toEqual([]);
    r.advance(1);
    expect(r.drawn).toEqual([TYPING_HOLD_MS]);
  });

  it('keeps holding while input goes on past the fallback, then draws after the last input', async () => {
    const r = rig();
    r.pacer.noteInput(new Promise(() => {}));
    r.pacer.request(r.draw);
    r.advance(TYPING_HOLD_MS - 100);
    // More input, and nothing was drawn yet: what waits is drawn once the host has it.
    r.pacer.noteInput(Promise.resolve());
    await flush();
    r.advance(0);
    expect(r.drawn).toHaveLength(1);
    r.pacer.request(r.draw);
    r.advance(TYPING_HOLD_MS - 1);
    expect(r.drawn).toHaveLength(1);
    r.advance(1);
    expect(r.drawn).toHaveLength(2);
  });
});
