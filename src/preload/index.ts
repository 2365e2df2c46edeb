/*
 * The preload: exposes exactly `window.vmsig` (the typed VmsigApi) through contextBridge.
 * It forwards only the contract's channels and never hands the page ipcRenderer or any
 * Electron object.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  HostErrorCode,
  INVOKE_CHANNELS,
  IPC_PREFIX,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcResult,
  type PushChannel,
  type PushMap,
  type VmsigApi,
} from '../shared/ipc';

const PUSH_CHANNELS: readonly PushChannel[] = ['snapshot', 'events'];

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

contextBridge.exposeInMainWorld('vmsig', api);
