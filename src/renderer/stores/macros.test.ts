import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VmsigApi } from '../../shared/ipc';
import { useInput } from './input';
import { useFleet } from './fleet';
import {
  localRecording,
  remoteRecording,
  saveRecording,
  startRecording,
  stopRecording,
  useMacros,
} from './macros';

const invoked: { channel: string; request: unknown }[] = [];
const api: VmsigApi = {
  invoke: ((channel: string, request: unknown) => {
    invoked.push({ channel, request });
    const value = channel === 'macro.list' ? { macros: [], dir: '/m', errors: [] } : { name: 'x' };
    return Promise.resolve({ ok: true, value });
  }) as VmsigApi['invoke'],
  on: () => () => {},
};
vi.stubGlobal('window', { vmsig: api });

const press = (code: number, down: boolean) =>
  useInput.setState((s) => ({ pressed: down ? [...s.pressed, code] : s.pressed.filter((c) => c !== code) }));

afterEach(() => {
  stopRecording();
  useInput.setState({ grabbed: null, pressed: [] });
  useFleet.setState({ grabbed: null, pressed: [] });
  useMacros.setState({ recording: null, pending: null });
  invoked.length = 0;
});

describe('macro recording in the page', () => {
  it('records the keys the console presses on the grabbed VM, not mouse buttons, and saves them by name', async () => {
    startRecording(localRecording(1));
    expect(useMacros.getState().recording).toBeNull(); // not grabbed: nothing to record
    useInput.setState({ grabbed: 1 });
    startRecording(localRecording(1));
    press(42, true);
    press(0x110, true); // a click on the screen
    press(30, true);
    press(30, false);
    press(0x110, false);
    expect(useMacros.getState().recording).toEqual({ key: '1', count: 3 });
    stopRecording();
    // Shift was still down: the recording releases it at its end.
    expect(useMacros.getState().pending?.map((s) => `${s.down ? '+' : '-'}${s.code}`)).toEqual([
      '+42',
      '+30',
      '-30',
      '-42',
    ]);
    expect(await saveRecording('shift-a')).toBe(true);
    expect(invoked[0]).toMatchObject({ channel: 'macro.save', request: { name: 'shift-a' } });
    expect(useMacros.getState().pending).toBeNull();
  });

  it('stops recording when the grab ends (the ungrab’s releases are the last steps)', () => {
    useInput.setState({ grabbed: 2 });
    startRecording(localRecording(2));
    press(29, true);
    useInput.setState({ grabbed: null, pressed: [] });
    expect(useMacros.getState().recording).toBeNull();
    expect(useMacros.getState().pending).toEqual([
      { delayMs: 0, code: 29, down: true },
      expect.objectContaining({ code: 29, down: false }),
    ]);
  });

  it("records the keys typed on another host's grabbed VM with their timing, and only that VM's", async () => {
    const pressRemote = (code: number, down: boolean) =>
      useFleet.setState((s) => ({
        pressed: down ? [...s.pressed, code] : s.pressed.filter((c) => c !== code),
      }));
    startRecording(remoteRecording('b', 1));
    expect(useMacros.getState().recording).toBeNull(); // B's VM is not grabbed
    useFleet.setState({ grabbed: { host: 'b', id: 1 }, pressed: [29] });
    startRecording(remoteRecording('b', 1));
    expect(useMacros.getState().recording).toEqual({ key: 'b/1', count: 0 });
    pressRemote(29, false); // down before the recording began: not part of it
    pressRemote(30, true);
    press(31, true); // a key on a local VM is not B's screen
    await new Promise((r) => setTimeout(r, 40));
    pressRemote(30, false);
    expect(useMacros.getState().recording).toEqual({ key: 'b/1', count: 2 });
    // Ungrab: its releases are the last steps, then the recording stops and waits for a name.
    useFleet.setState({ grabbed: null, pressed: [] });
    expect(useMacros.getState().recording).toBeNull();
    const steps = useMacros.getState().pending!;
    expect(steps.map((s) => `${s.down ? '+' : '-'}${s.code}`)).toEqual(['+30', '-30']);
    expect(steps[1]!.delayMs).toBeGreaterThanOrEqual(35);
    // Saved on this host, as a local recording is: the same macro.save.
    expect(await saveRecording('remote-a')).toBe(true);
    expect(invoked[0]).toMatchObject({ channel: 'macro.save', request: { name: 'remote-a', steps } });
  });
});
