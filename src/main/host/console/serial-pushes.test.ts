import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SerialPush } from '../../../shared/ipc';
import { SerialLog } from '../launcher/serial-log';
import { SERIAL_PUSH_CAP, SERIAL_WATCHES_PER_WINDOW, SerialPushes } from './serial-pushes';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-serial-pushes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A host with VM 1's serial log, which a "restart" replaces by a new run. */
function fakeHost() {
  const state = {
    log: new SerialLog(path.join(dir, `vm1-${Math.random()}.serial`), 64 * 1024 * 1024),
    run: 100,
  };
  return {
    state,
    serialOf: (id: number) =>
      id === 1 ? { log: state.log, run: state.run, source: `QEMU pid ${state.run}` } : null,
    restart() {
      state.log.close();
      state.log = new SerialLog(path.join(dir, `vm1-${Math.random()}.serial`), 64 * 1024 * 1024);
      state.run++;
    },
  };
}

function collect(p: SerialPushes<object>): { window: object; push: SerialPush }[] {
  const out: { window: object; push: SerialPush }[] = [];
  p.flush((window, push) => out.push({ window, push }));
  return out;
}
const text = (b64: string): string => Buffer.from(b64, 'base64').toString();

describe('serial pushes to the windows that watch a VM', () => {
  it('announce the run, then push only new output, with its logical offset, once per flush', () => {
    const host = fakeHost();
    host.state.log.append(Buffer.from('scrollback\n'));
    const pushes = new SerialPushes<object>(host.serialOf);
    const win = {};
    expect(pushes.watch(win, 1)).toBe(true);
    expect(collect(pushes).map((x) => x.push)).toEqual([
      { id: 1, run: 100, source: 'QEMU pid 100', start: 11, base64: '' },
    ]);
    host.state.log.append(Buffer.from('login: '));
    host.state.log.append(Buffer.from('root\n'));
    const [one, ...rest] = collect(pushes);
    expect(rest).toEqual([]);
    expect(one!.push).toMatchObject({ run: 100, start: 11 });
    expect(text(one!.push.base64)).toBe('login: root\n');
    expect(collect(pushes)).toEqual([]);
  });

  it('hold at most the cap per window and VM: a chatty guest drops the oldest, and the offset shows the hole', () => {
    const host = fakeHost();
    const pushes = new SerialPushes<object>(host.serialOf);
    const win = {};
    pushes.watch(win, 1);
    collect(pushes);
    // 8 MiB between two ticks, in 64 KiB writes, as a guest flooding its console would.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let max = 0;
    for (let i = 0; i < 128; i++) {
      host.state.log.append(chunk);
      max = Math.max(max, pushes.pendingBytes(win));
    }
    host.state.log.append(Buffer.from('END\n'));
    expect(max).toBeLessThanOrEqual(SERIAL_PUSH_CAP);
    expect(pushes.pendingBytes(win)).toBeLessThanOrEqual(SERIAL_PUSH_CAP);
    const { push } = collect(pushes)[0]!;
    const bytes = Buffer.from(push.base64, 'base64');
    expect(bytes.length).toBe(SERIAL_PUSH_CAP);
    // The push carries the newest bytes, at their true offset: the window sees start > what it holds.
    expect(push.start + bytes.length).toBe(host.state.log.size());
    expect(push.start).toBeGreaterThan(0);
    expect(bytes.subarray(-4).toString()).toBe('END\n');
    expect(pushes.pendingBytes(win)).toBe(0);
  });

  it('bound the number of watches per window, and forget a closed window entirely', () => {
    const pushes = new SerialPushes<object>(() => null);
    const win = {};
    for (let id = 1; id <= SERIAL_WATCHES_PER_WINDOW; id++) expect(pushes.watch(win, id)).toBe(true);
    expect(pushes.watch(win, SERIAL_WATCHES_PER_WINDOW + 1)).toBe(false);
    expect(pushes.watch(win, 1)).toBe(true); // re-watching one it has is no new watch
    pushes.forget(win);
    expect(collect(pushes)).toEqual([]);
  });

  it('follow a restarted QEMU: the new run is announced and its output pushed from its own offsets', () => {
    const host = fakeHost();
    const pushes = new SerialPushes<object>(host.serialOf);
    const win = {};
    pushes.watch(win, 1);
    host.state.log.append(Buffer.from('old run\n'));
    collect(pushes);
    host.restart();
    expect(collect(pushes).map((x) => x.push)).toEqual([
      { id: 1, run: 101, source: 'QEMU pid 101', start: 0, base64: '' },
    ]);
    host.state.log.append(Buffer.from('new run\n'));
    const { push } = collect(pushes)[0]!;
    expect(push).toMatchObject({ run: 101, start: 0 });
    expect(text(push.base64)).toBe('new run\n');
  });

  it('push only to the windows that watch, and stop after unwatch', () => {
    const host = fakeHost();
    const pushes = new SerialPushes<object>(host.serialOf);
    const a = {};
    const b = {};
    pushes.watch(a, 1);
    collect(pushes);
    host.state.log.append(Buffer.from('x'));
    expect(collect(pushes).map((x) => x.window)).toEqual([a]);
    pushes.unwatch(a, 1);
    host.state.log.append(Buffer.from('y'));
    expect(collect(pushes)).toEqual([]);
    expect(pushes.pendingBytes(a) + pushes.pendingBytes(b)).toBe(0);
  });
});
