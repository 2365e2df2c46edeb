import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Stand-ins for `electron`: ipcMain records handlers; a BrowserWindow per contents with a focus flag.
const handlers = new Map<string, (event: unknown, request: unknown) => unknown>();
class FakeEmitter {
  readonly listeners = new Map<string, (() => void)[]>();
  on(ev: string, l: () => void): this {
    this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), l]);
    return this;
  }
  off(ev: string, l: () => void): this {
    this.listeners.set(
      ev,
      (this.listeners.get(ev) ?? []).filter((x) => x !== l),
    );
    return this;
  }
  emit(ev: string): void {
    for (const l of this.listeners.get(ev) ?? []) l();
  }
}
class FakeWindow extends FakeEmitter {
  focused = true;
  isFocused(): boolean {
    return this.focused;
  }
}
class FakeContents extends FakeEmitter {
  ignoring = false;
  readonly win = new FakeWindow();
  setIgnoreMenuShortcuts(v: boolean): void {
    this.ignoring = v;
  }
  isDestroyed(): boolean {
    return false;
  }
}
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, request: unknown) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  BrowserWindow: { fromWebContents: (wc: FakeContents) => wc.win },
}));

import { ErrorCode } from '../../shared/model';
import { HostErrorCode } from '../../shared/ipc';
import { bindKeyboardCapture, keyboardCaptureOn } from './keyboard-capture';

const rendererDir = '/opt/vmsig/out/renderer';
const appFrame = { url: 'file:///opt/vmsig/out/renderer/index.html', parent: null };
let unbind: () => void;
let wc: FakeContents;
const set = (request: unknown, senderFrame: unknown = appFrame) =>
  handlers.get('vmsig:capture.set')!({ senderFrame, sender: wc }, request);

beforeEach(() => {
  wc = new FakeContents();
  unbind = bindKeyboardCapture(rendererDir);
});
afterEach(() => unbind());

describe('Electron keyboard capture', () => {
  it('while on and focused, menu shortcuts are ignored before every key; off, they work again', () => {
    expect(set({ on: true })).toEqual({ ok: true, value: { on: true } });
    expect(wc.ignoring).toBe(true);
    wc.emit('before-input-event');
    expect(wc.ignoring).toBe(true);
    // Another window has the focus: its shortcuts are the desktop's again.
    wc.win.focused = false;
    wc.win.emit('blur');
    expect(wc.ignoring).toBe(false);
    wc.emit('before-input-event');
    expect(wc.ignoring).toBe(false);
    wc.win.focused = true;
    wc.emit('before-input-event');
    expect(wc.ignoring).toBe(true);
    expect(set({ on: false })).toEqual({ ok: true, value: { on: false } });
    expect(wc.ignoring).toBe(false);
    expect(keyboardCaptureOn(wc as never)).toBe(false);
    // Its listeners are gone: a key no longer turns shortcuts off.
    wc.emit('before-input-event');
    expect(wc.ignoring).toBe(false);
    expect(wc.listeners.get('before-input-event')).toEqual([]);
    expect(wc.win.listeners.get('blur')).toEqual([]);
  });

  it('turning it on twice installs one listener', () => {
    set({ on: true });
    set({ on: true });
    expect(wc.listeners.get('before-input-event')).toHaveLength(1);
  });

  it('refuses other frames and anything but { on: boolean }', () => {
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: appFrame.url, parent: {} },
      null,
    ])
      expect(set({ on: true }, frame)).toMatchObject({ ok: false, error: { code: HostErrorCode.FORBIDDEN } });
    for (const bad of [null, {}, { on: 'yes' }, { on: true, also: 1 }, [true]])
      expect(set(bad)).toMatchObject({ ok: false, error: { code: ErrorCode.INVAL } });
    expect(wc.ignoring).toBe(false);
    expect(keyboardCaptureOn(wc as never)).toBe(false);
  });
});
