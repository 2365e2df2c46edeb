/*
 * Binds the console service to Electron IPC: one ipcMain.handle per invoke channel (the
 * sender frame is checked, then the service validates every argument) and pushes to the
 * window's webContents. The only IPC code in main; it never exposes a generic channel.
 */
import { type IpcMainInvokeEvent, type WebContents, ipcMain } from 'electron';
import { HostErrorCode, INVOKE_CHANNELS, IPC_PREFIX, type IpcResult, type PushMap } from '../../shared/ipc';
import type { ConsoleService, PushSink } from '../host/console';
import { isTrustedSender } from './trusted-sender';

/** Push channel name on the wire for a push map key. */
export const pushChannel = (name: keyof PushMap): string => `${IPC_PREFIX}push:${name}`;

const forbidden: IpcResult<never> = {
  ok: false,
  error: { code: HostErrorCode.FORBIDDEN, message: 'IPC from a frame that is not the console page' },
};

/** A PushSink over one window's webContents. */
export function webContentsSink(wc: WebContents): PushSink {
  return {
    eventsEnabled: false,
    push<P extends keyof PushMap>(channel: P, payload: PushMap[P]): void {
      if (!wc.isDestroyed()) wc.send(pushChannel(channel), payload);
    },
  };
}

/**
 * Registers every invoke channel. `sinkFor` maps a sender to its window's sink (so
 * events.subscribe toggles the right one). Returns the disposer that removes the handlers.
 */
export function bindIpc(
  service: ConsoleService,
  rendererDir: string,
  sinkFor: (wc: WebContents) => PushSink | undefined,
): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(IPC_PREFIX + channel, (event: IpcMainInvokeEvent, request: unknown) => {
      if (!isTrustedSender(event.senderFrame, rendererDir)) return forbidden;
      return service.dispatch(channel, request, sinkFor(event.sender));
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(IPC_PREFIX + channel);
  };
}
