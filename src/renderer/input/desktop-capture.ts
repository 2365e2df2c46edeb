/*
 * In the Electron shell, the page tells main whenever it holds the grab, so the window's
 * menu and app shortcuts (Ctrl+W, Ctrl+R, F11, Alt) go to the guest instead of Electron
 * while the window is focused, and work again on release. The browser has no such bridge
 * (there, Keyboard Lock in fullscreen is the capture): then this does nothing.
 */
import type { CaptureBridge, VmsigApi } from '../../shared/ipc';
import { useInput } from '../stores/input';
import { notify } from '../stores/notices';

const bridge = (): CaptureBridge | undefined =>
  (globalThis.window?.vmsig as (VmsigApi & { capture?: CaptureBridge }) | undefined)?.capture;

/** Follows the grab (any VM) with the window's capture; returns the disposer (capture off). */
export function installDesktopCapture(): () => void {
  const capture = bridge();
  if (!capture) return () => {};
  let on = false;
  const apply = (want: boolean): void => {
    if (want === on) return;
    on = want;
    void capture.set(want).then((r) => {
      if (!r.ok) notify('warn', `Keyboard capture not ${want ? 'on' : 'off'}: ${r.error.message}`);
    });
  };
  apply(useInput.getState().grabbed !== null);
  const unsubscribe = useInput.subscribe((s) => apply(s.grabbed !== null));
  return () => {
    unsubscribe();
    apply(false);
  };
}
