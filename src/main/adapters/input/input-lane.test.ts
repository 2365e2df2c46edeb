import { describe, expect, it } from 'vitest';
import { InputKind } from '../../../shared/model';
import type { LeaseHolder } from '../../core';
import { InputLane, LeaseMoved } from './input-lane';
import { KeyboardDevice } from './keyboard-device';
import { type QmpInputEvent, translateInput } from './input-translate';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEY_A = 30;
const KEY_C = 46;
const CTRL = 29;

/**
 * A QMP stand-in with a virtio keyboard ring (or none: PS/2). Ring queries can be held
 * back (`holdQueries`), as a host that is behind answers them; sends are recorded as
 * "a+" / "a-" per command, with the time they were made.
 */
function fakeQmp(virtio: boolean) {
  const ring = { avail: 64, used: 0 };
  const sent: { events: string[]; at: number }[] = [];
  const held: (() => void)[] = [];
  const state = { queries: 0, statusQueries: 0, holdQueries: false, guestReads: false };
  const qmp = {
    execute<T>(command: string, args?: { events?: QmpInputEvent[] }): Promise<T> {
      if (command === 'x-query-virtio-status') {
        state.statusQueries++;
        if (!virtio) return Promise.reject(new Error('Device not found'));
        return Promise.resolve({ status: { statuses: ['VIRTIO_CONFIG_S_DRIVER_OK'] } } as T);
      }
      if (command === 'x-query-virtio-queue-element') {
        state.queries++;
        // A guest that reads every event at once offers its 64 buffers again.
        if (state.guestReads) ring.avail = ring.used + 64;
        const answer = () => ({ avail: { idx: ring.avail }, used: { idx: ring.used } }) as T;
        if (!state.holdQueries) return Promise.resolve(answer());
        return new Promise((resolve) => held.push(() => resolve(answer())));
      }
      const events = (args?.events ?? []).map((e) =>
        e.type === 'key' ? `${e.data.key.data}${e.data.down ? '+' : '-'}` : e.type,
      );
      sent.push({ events, at: Date.now() });
      ring.used += events.length + 1;
      return Promise.resolve({} as T);
    },
  };
  const answerQueries = () => held.splice(0).forEach((answer) => answer());
  return { qmp, sent, state, answerQueries };
}

const key = (code: number, value: number) => translateInput({ kind: InputKind.KEY, code, value, scroll: 0 });

async function rig(opts: { virtio: boolean; gapMs?: number }) {
  const fake = fakeQmp(opts.virtio);
  const kbd = new KeyboardDevice(fake.qmp);
  await kbd.check();
  const lease = { current: {} as LeaseHolder | undefined };
  const lane = new InputLane(fake.qmp, kbd, (l) => l === lease.current, opts.gapMs ?? 10);
  const push = (code: number, value: number, under = lease.current) => lane.push(key(code, value), under);
  return { ...fake, kbd, lane, lease, push };
}

describe('InputLane', () => {
  it('sends a press and its release in one command when the release waited behind the press', async () => {
    const r = await rig({ virtio: true });
    r.state.holdQueries = true;
    const sent = [r.push(KEY_A, 1), r.push(KEY_A, 0)];
    await sleep(5);
    expect(r.sent).toEqual([]);
    r.answerQueries();
    await Promise.all(sent);
    expect(r.sent.map((s) => s.events)).toEqual([['a+', 'a-']]);
  });

  it('sends the release of a key pressed alone at once, without waiting for a ring query', async () => {
    const r = await rig({ virtio: true });
    await r.push(KEY_A, 1);
    // The host is now behind: ring queries go unanswered; the counted room is long stale.
    r.state.holdQueries = true;
    await sleep(80);
    const queries = r.state.queries;
    await r.push(KEY_A, 0);
    expect(r.sent.map((s) => s.events)).toEqual([['a+'], ['a-']]);
    expect(r.state.queries).toBe(queries);
    r.answerQueries();
  });

  it('a release waiting behind a press that must wait for room goes first when its own room was kept', async () => {
    const r = await rig({ virtio: true });
    await r.push(CTRL, 1);
    r.state.holdQueries = true;
    await sleep(80);
    const sent = [r.push(CTRL, 0), r.push(KEY_C, 1), r.push(KEY_C, 0)];
    await sent[0];
    expect(r.sent.map((s) => s.events)).toEqual([['ctrl+'], ['ctrl-']]);
    r.answerQueries();
    await Promise.all(sent);
    expect(r.sent.map((s) => s.events).at(-1)).toEqual(['c+', 'c-']);
  });

  it('keeps the order of every event: a Ctrl+C typed while the host is behind arrives as typed', async () => {
    const r = await rig({ virtio: true });
    r.state.holdQueries = true;
    const sent = [r.push(CTRL, 1), r.push(KEY_C, 1), r.push(CTRL, 0), r.push(KEY_C, 0)];
    await sleep(5);
    r.answerQueries();
    await Promise.all(sent);
    expect(r.sent.flatMap((s) => s.events)).toEqual(['ctrl+', 'c+', 'ctrl-', 'c-']);
    expect(r.sent).toHaveLength(1);
  });

  it('on PS/2 keeps the gap per key event, so batching does not raise the byte rate', async () => {
    const r = await rig({ virtio: false, gapMs: 20 });
    const keys = [KEY_A, KEY_C, CTRL].flatMap((code) => [r.push(code, 1), r.push(code, 0)]);
    await Promise.all(keys);
    expect(r.sent.map((s) => s.events)).toEqual([
      ['a+', 'a-', 'c+', 'c-'],
      ['ctrl+', 'ctrl-'],
    ]);
    // 4 events at 20 ms each before the next command (timers may fire a millisecond early).
    expect(r.sent[1]!.at - r.sent[0]!.at).toBeGreaterThanOrEqual(79);
  });

  it('drops what waits when the INPUT lease changes hands (LEASE), and sends the new holder’s keys', async () => {
    const r = await rig({ virtio: true });
    r.state.holdQueries = true;
    const old = [r.push(KEY_A, 1), r.push(KEY_A, 0)];
    await sleep(5);
    r.lease.current = {} as LeaseHolder;
    const mine = [r.push(KEY_C, 1), r.push(KEY_C, 0)];
    r.answerQueries();
    for (const p of old) await expect(p).rejects.toBeInstanceOf(LeaseMoved);
    r.state.holdQueries = false;
    r.answerQueries();
    await Promise.all(mine);
    expect(r.sent.map((s) => s.events)).toEqual([['c+', 'c-']]);
  });

  it('counts what waits, for the adapter’s BUSY bound', async () => {
    const r = await rig({ virtio: true });
    r.state.holdQueries = true;
    const sent = [r.push(KEY_A, 1), r.push(KEY_A, 0), r.push(KEY_C, 1)];
    expect(r.lane.length).toBe(3);
    r.answerQueries();
    await Promise.all(sent);
    expect(r.lane.length).toBe(0);
  });

  it('a key the client autorepeats keeps room for one release, so the ring never looks full', async () => {
    const r = await rig({ virtio: true });
    r.state.guestReads = true;
    await r.push(KEY_A, 1);
    for (let i = 0; i < 100; i++) await r.push(KEY_A, 2);
    await r.push(KEY_A, 0);
    // Room for 100 releases would exceed the 64-buffer ring: the lane would stall 2 s waiting
    // for room the guest has, give the device up (PS/2 pace) and ask QEMU about it again.
    expect(r.state.statusQueries).toBe(1);
    expect(await r.kbd.room(10, 3)).toBe(0);
  });

  it('a release sent behind another press gives its kept room back', async () => {
    const r = await rig({ virtio: true });
    r.state.guestReads = true;
    for (let i = 0; i < 40; i++) {
      await r.push(KEY_A, 1);
      // The counted room goes stale, so C's press waits for a query and A's release queues behind it.
      await sleep(55);
      r.state.holdQueries = true;
      const sent = [r.push(KEY_C, 1), r.push(KEY_A, 0)];
      r.state.holdQueries = false;
      r.answerQueries();
      await Promise.all(sent);
      await r.push(KEY_C, 0);
    }
    expect(r.sent.filter((s) => s.events.join() === 'c+,a-')).toHaveLength(40);
    expect(await r.kbd.room(10, 3)).toBe(0);
  });
});
