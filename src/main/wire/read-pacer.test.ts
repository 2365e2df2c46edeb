import type net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pressure } from '../core';
import type { Frame } from './frame-header';
import { ReadPacer } from './read-pacer';

function rig(framesPerTurn = 3) {
  const socket = {
    paused: false,
    pause() {
      this.paused = true;
    },
    resume() {
      this.paused = false;
    },
  };
  const pressure = new Pressure();
  const handled: number[] = [];
  const faults: unknown[] = [];
  let resumed = 0;
  const pacer = new ReadPacer(
    socket as unknown as net.Socket,
    pressure,
    {
      handle: (f) => (handled.push(f.type), true),
      fault: (e) => void faults.push(e),
      resumed: () => void resumed++,
    },
    framesPerTurn,
  );
  const frames = (n: number) => {
    for (let i = 1; i <= n; i++) pacer.queue({ type: i, body: Buffer.alloc(0) } as Frame);
  };
  return { socket, pressure, handled, faults, pacer, frames, resumed: () => resumed };
}

describe('ReadPacer', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['Date', 'setImmediate'] }));
  afterEach(() => void vi.useRealTimers());

  it('handles at most framesPerTurn frames per turn, paused in between, then the decoder error', () => {
    const r = rig(3);
    r.frames(7);
    r.pacer.failAfterQueued(new Error('bad header'));
    r.pacer.pump();
    expect(r.handled).toEqual([1, 2, 3]);
    expect(r.socket.paused).toBe(true);
    vi.runOnlyPendingTimers();
    expect(r.handled).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.faults).toEqual([]);
    vi.runOnlyPendingTimers();
    expect(r.handled).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.faults).toHaveLength(1);
    expect(r.socket.paused).toBe(false);
  });

  it('handles nothing under pressure, and resumes at relief', () => {
    const r = rig();
    r.pressure.raise();
    r.frames(2);
    r.pacer.pump();
    expect(r.handled).toEqual([]);
    expect(r.socket.paused).toBe(true);
    r.pressure.relieve();
    expect(r.socket.paused).toBe(false);
    expect(r.resumed()).toBe(1);
    vi.runOnlyPendingTimers();
    expect(r.handled).toEqual([1, 2]);
  });

  it('its clock stands still while the socket is paused', () => {
    const r = rig();
    const t0 = r.pacer.now();
    vi.advanceTimersByTime(100);
    expect(r.pacer.now() - t0).toBe(100);
    r.pacer.setWriteBlocked(true);
    vi.advanceTimersByTime(5000);
    expect(r.pacer.now() - t0).toBe(100);
    r.pacer.setWriteBlocked(false);
    vi.advanceTimersByTime(50);
    expect(r.pacer.now() - t0).toBe(150);
  });
});
