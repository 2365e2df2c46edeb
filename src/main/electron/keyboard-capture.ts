/*
 * Keyboard capture in the Electron window: while the page holds the grab (it says so over
 * the capture.set channel, sender checked) and its window is focused, the window's menu and
 * app shortcuts (Ctrl+W, Ctrl+R, Ctrl+Q, F11, Alt for the menu bar) are not acted on by
 * Electron, so the keys reach the page and from there the guest. Released, or the window
 * unfocused, shortcuts work again. It never hides a key from the page.
 */
import { BrowserWindow, type IpcMainInvokeEvent, type WebContents, ipcMain } from 'electron';
import { CAPTURE_SET, HostErrorCode, IPC_PREFIX, type IpcResult } from '../../shared/ipc';
import { ErrorCode } from '../../shared/model';
import { isTrustedSender } from './trusted-sender';

/** The parts of WebContents capture uses. */
type CaptureContents = Pick<WebContents, 'setIgnoreMenuShortcuts' | 'on' | 'off' | 'isDestroyed'>;

/** Per window contents: the listener installed while capture is on. */
const captured = new WeakMap<
  CaptureContents,
  { onInput: () => void; onBlur: () => void; win: BrowserWindow | null }
>();

function focused(wc: CaptureContents): boolean {
  return BrowserWindow.fromWebContents(wc as WebContents)?.isFocused() === true;
}

/**
 * Turns capture on or off for `wc`. On: before each input event Electron decides with the
 * window's focus at that moment (the documented before-input-event + setIgnoreMenuShortcuts
 * pairing); a blur lets the shortcuts work at once. Off: shortcuts work again, listeners go.
 */
export function setKeyboardCapture(wc: CaptureContents, on: boolean): void {
  const prev = captured.get(wc);
  if (prev) {
    wc.off('before-input-event', prev.onInput);
    prev.win?.off('blur', prev.onBlur);
    captured.delete(wc);
  }
  if (wc.isDestroyed()) return;
  if (!on) return wc.setIgnoreMenuShortcuts(false);
  const onInput = (): void => wc.setIgnoreMenuShortcuts(focused(wc));
  const onBlur = (): void => wc.setIgnoreMenuShortcuts(false);
  const win = BrowserWindow.fromWebContents(wc as WebContents);
  wc.on('before-input-event', onInput);
  win?.on('blur', onBlur);
  captured.set(wc, { onInput, onBlur, win });
  wc.setIgnoreMenuShortcuts(focused(wc));
}

/** Whether capture is on for `wc` (for tests and logs). */
export const keyboardCaptureOn = (wc: CaptureContents): boolean => captured.has(wc);

const forbidden: IpcResult<never> = {
  ok: false,
  error: { code: HostErrorCode.FORBIDDEN, message: 'IPC from a frame that is not the console page' },
};

/** Registers the capture.set handler (sender frame checked, `{ on: boolean }` only); returns the disposer. */
export function bindKeyboardCapture(rendererDir: string): () => void {
  ipcMain.handle(
    IPC_PREFIX + CAPTURE_SET,
    (event: IpcMainInvokeEvent, request: unknown): IpcResult<{ on: boolean }> => {
      if (!isTrustedSender(event.senderFrame, rendererDir)) return forbidden;
      const r = request as Record<string, unknown> | null;
      if (typeof r !== 'object' || r === null || Object.keys(r).join() !== 'on' || typeof r.on !== 'boolean')
        return { ok: false, error: { code: ErrorCode.INVAL, message: 'capture.set takes { on: boolean }' } };
      setKeyboardCapture(event.sender, r.on);
      return { ok: true, value: { on: r.on } };
    },
  );
  return () => ipcMain.removeHandler(IPC_PREFIX + CAPTURE_SET);
}
