import { describe, expect, it } from 'vitest';
import { KEY_BUFFERS, KeyboardDevice } from './keyboard-device';

/** One key as the lane sends a key alone: the room for it asked, then taken; resolves to the gap to keep. */
async function oneKey(kbd: KeyboardDevice, ps2GapMs: number): Promise<number> {
  const gap = await kbd.room(ps2GapMs, KEY_BUFFERS);
  kbd.take(KEY_BUFFERS, 0);
  return gap;
}

/** A QMP stand-in holding a virtio keyboard ring: `avail` buffers offered, `used` consumed. */
function fakeQmp(opts: { driverOk: boolean; present?: boolean }) {
  const ring = { avail: 64, used: 0, queries: 0 };
  const qmp = {
    execute<T>(command: string): Promise<T> {
      if (opts.present === false) return Promise.reject(new Error('Device not found'));
      if (command === 'x-query-virtio-status') {
        const statuses = ['VIRTIO_CONFIG_S_ACKNOWLEDGE: Valid virtio device found'];
        if (opts.driverOk) statuses.push('VIRTIO_CONFIG_S_DRIVER_OK: Driver setup and ready');
        return Promise.resolve({ status: { statuses } } as T);
      }
      ring.queries++;
      return Promise.resolve({ avail: { idx: ring.avail & 0xffff }, used: { idx: ring.used & 0xffff } } as T);
    },
  };
  return { qmp, ring };
}

describe('KeyboardDevice', () => {
  it('keeps the PS/2 gap when the VM has no virtio keyboard', async () => {
    const { qmp } = fakeQmp({ driverOk: false, present: false });
    const kbd = new KeyboardDevice(qmp);
    expect(await kbd.check()).toBe(false);
    expect(await oneKey(kbd, 10)).toBe(10);
  });

  it('keeps the PS/2 gap while the guest driver has not set DRIVER_OK', async () => {
    const { qmp } = fakeQmp({ driverOk: false });
    const kbd = new KeyboardDevice(qmp);
    await kbd.check();
    expect(await oneKey(kbd, 10)).toBe(10);
  });

  it('with the driver up, sends without a gap while the ring has room and waits when it is full', async () => {
    const { qmp, ring } = fakeQmp({ driverOk: true });
    const kbd = new KeyboardDevice(qmp);
    await kbd.check();
    // 64 free buffers, 2 per key, 2 kept spare: 31 keys go at once.
    for (let i = 0; i < 31; i++) {
      expect(await oneKey(kbd, 10)).toBe(0);
      ring.used += 2;
    }
    // The guest has read nothing back: the next key waits until it offers buffers again.
    let sent = false;
    const next = oneKey(kbd, 10).then((gap) => ((sent = true), gap));
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toBe(false);
    ring.avail += 62;
    expect(await next).toBe(0);
    expect(ring.queries).toBeGreaterThan(2);
  });
});
