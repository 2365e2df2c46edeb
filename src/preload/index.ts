/*
 * The preload: exposes exactly `window.vmsig` (the typed VmsigApi, plus `display`: the
 * screen relay's ports) through contextBridge. It forwards only the contract's channels and
 * never hands the page ipcRenderer or any Electron object.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  CAPTURE_SET,
  type CaptureBridge,
  HostErrorCode,
  INVOKE_CHANNELS,
  IPC_PREFIX,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcResult,
  PUSH_CHANNELS,
  type PushChannel,
  type PushMap,
  type VmsigApi,
} from '../shared/ipc';
import { DISPLAY_OPEN, DISPLAY_PORT, DISPLAY_SCREENSHOT, type DisplayBridge } from '../shared/display';

const api: VmsigApi = {
  invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<IpcResult<InvokeResponse<C>>> {
    if (!INVOKE_CHANNELS.includes(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: HostErrorCode.UNKNOWN_CHANNEL, message: `unknown channel ${String(channel)}` },
      });
    }
    return ipcRenderer.invoke(IPC_PREFIX + channel, request) as Promise<IpcResult<InvokeResponse<C>>>;
  },
  on<P extends PushChannel>(channel: P, listener: (payload: PushMap[P]) => void): () => void {
    if (!PUSH_CHANNELS.includes(channel)) return () => {};
    const name = `${IPC_PREFIX}push:${channel}`;
    const handler = (_e: unknown, payload: PushMap[P]): void => listener(payload);
    ipcRenderer.on(name, handler);
    return () => void ipcRenderer.removeListener(name, handler);
  },
};

// The display relay: the page asks main for a VM's screen; main answers with a MessagePort,
// which cannot cross contextBridge, so it is reposted to the page's own window with the
// nonce the page chose (only this page's scripts listen for it).
const display: DisplayBridge = {
  open: (endpoint, nonce) => ipcRenderer.invoke(IPC_PREFIX + DISPLAY_OPEN, { endpoint, nonce }),
  screenshot: (endpoint) => ipcRenderer.invoke(IPC_PREFIX + DISPLAY_SCREENSHOT, { endpoint }),
};
/** The page's window as the preload sees it (the preload is typed without the DOM). */
const page = globalThis as unknown as {
  location: { origin: string };
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
};
ipcRenderer.on(IPC_PREFIX + DISPLAY_PORT, (e, msg: { nonce?: unknown }) => {
  if (typeof msg?.nonce !== 'string' || e.ports.length !== 1) return;
  // A file:// page's origin is "null", which postMessage cannot name: then any origin, but
  // still only this window (navigation away from the app is blocked in window.ts).
  const origin = page.location.origin === 'null' ? '*' : page.location.origin;
  page.postMessage({ vmsigDisplayPort: msg.nonce }, origin, [...e.ports]);
});

// Keyboard capture: main stops the window's menu shortcuts while the page holds the grab.
const capture: CaptureBridge = { set: (on) => ipcRenderer.invoke(IPC_PREFIX + CAPTURE_SET, { on }) };

contextBridge.exposeInMainWorld('vmsig', { ...api, display, capture });
