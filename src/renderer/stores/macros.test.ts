import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VmsigApi } from '../../shared/ipc';
import { useInput } from './input';
import { saveRecording, startRecording, stopRecording, useMacros } from './macros';

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
  useMacros.setState({ recording: null, pending: null });
  invoked.length = 0;
});

describe('macro recording in the page', () => {
  it('records the keys the console presses on the grabbed VM, not mouse buttons, and saves them by name', async () => {
    startRecording(1);
    expect(useMacros.getState().recording).toBeNull(); // not grabbed: nothing to record
    useInput.setState({ grabbed: 1 });
    startRecording(1);
    press(42, true);
    press(0x110, true); // a click on the screen
    press(30, true);
    press(30, false);
    press(0x110, false);
    expect(useMacros.getState().recording).toEqual({ endpoint: 1, count: 3 });
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
    startRecording(2);
    press(29, true);
    useInput.setState({ grabbed: null, pressed: [] });
    expect(useMacros.getState().recording).toBeNull();
    expect(useMacros.getState().pending).toEqual([
      { delayMs: 0, code: 29, down: true },
      expect.objectContaining({ code: 29, down: false }),
    ]);
  });
});
