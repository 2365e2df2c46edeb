/*
 * The display relay's Electron end: the page asks for a VM's screen over IPC (sender frame
 * checked like every invoke), main admits it through the DisplayService, opens a
 * MessageChannelMain and hands one port to that page with the nonce the page chose; the
 * other port becomes the relay's viewer. RFB bytes cross as binary messages, flow control as
 * acknowledgements (a MessagePort has no bufferedAmount). The page never reaches QEMU.
 */
import { type IpcMainInvokeEvent, MessageChannelMain, type MessagePortMain, ipcMain } from 'electron';
import {
  DISPLAY_OPEN,
  DISPLAY_PORT,
  DISPLAY_SCREENSHOT,
  type DisplayGrant,
  type PortControl,
} from '../../shared/display';
import { HostErrorCode, IPC_PREFIX, type IpcResult } from '../../shared/ipc';
import { ENDPOINT_MAX, ErrorCode, isVmsigError } from '../../shared/model';
import type { DisplayService, ViewerChannel } from '../host/display';
import { isTrustedSender } from './trusted-sender';

/** A ViewerChannel over the main side of a MessageChannelMain; the backlog is sent − acknowledged bytes. */
export function portViewer(
  port: Pick<MessagePortMain, 'on' | 'postMessage' | 'close' | 'start'>,
): ViewerChannel {
  let sent = 0;
  let acked = 0;
  let open = true;
  let onData: (d: Uint8Array) => void = () => {};
  let onClose: () => void = () => {};
  const gone = (): void => {
    if (!open) return;
    open = false;
    onClose();
  };
  port.on('message', (e) => {
    const d: unknown = e.data;
    if (d instanceof ArrayBuffer) return onData(new Uint8Array(d));
    if (ArrayBuffer.isView(d)) return onData(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    const c = d as Partial<PortControl> | null;
    if (c?.t === 'ack' && Number.isSafeInteger(c.bytes) && c.bytes! >= acked && c.bytes! <= sent)
      acked = c.bytes!;
    else if (c?.t === 'close') gone();
    // Anything else is not the viewer we speak to: like an unknown RFB message, it ends the relay.
    else gone();
  });
  port.on('close', gone);
  port.start();
  return {
    send(data) {
      if (!open) return;
      sent += data.byteLength;
      port.postMessage(data);
    },
    get bufferedAmount() {
      return sent - acked;
    },
    close(reason) {
      if (!open) return;
      open = false;
      port.postMessage({ t: 'close', reason } satisfies PortControl);
      port.close();
    },
    onData: (l) => void (onData = l),
    onClose: (l) => void (onClose = l),
  };
}

const forbidden: IpcResult<never> = {
  ok: false,
  error: { code: HostErrorCode.FORBIDDEN, message: 'IPC from a frame that is not the console page' },
};

function endpointOf(request: unknown): number | null {
  const ep = (request as { endpoint?: unknown } | null)?.endpoint;
  return Number.isInteger(ep) && (ep as number) >= 1 && (ep as number) <= ENDPOINT_MAX
    ? (ep as number)
    : null;
}

function failure(e: unknown): IpcResult<never> {
  const code = isVmsigError(e) ? e.code : HostErrorCode.HOST;
  return { ok: false, error: { code, message: e instanceof Error ? e.message : String(e) } };
}

const invalid = (what: string): IpcResult<never> => ({
  ok: false,
  error: { code: ErrorCode.INVAL, message: what },
});

/** Registers the display IPC handlers; returns the disposer. */
export function bindDisplayIpc(display: DisplayService, rendererDir: string): () => void {
  ipcMain.handle(
    IPC_PREFIX + DISPLAY_OPEN,
    async (event: IpcMainInvokeEvent, request: unknown): Promise<IpcResult<DisplayGrant>> => {
      if (!isTrustedSender(event.senderFrame, rendererDir)) return forbidden;
      const endpoint = endpointOf(request);
      const nonce = (request as { nonce?: unknown } | null)?.nonce;
      if (endpoint === null) return invalid('endpoint must be an integer 1..63');
      if (typeof nonce !== 'string' || !/^[\w-]{8,64}$/.test(nonce))
        return invalid('nonce must be 8..64 word characters');
      try {
        const grant = await display.grant(endpoint);
        const { port1, port2 } = new MessageChannelMain();
        event.sender.postMessage(IPC_PREFIX + DISPLAY_PORT, { nonce }, [port2]);
        void display.open(portViewer(port1), endpoint);
        return { ok: true, value: grant };
      } catch (e) {
        return failure(e);
      }
    },
  );
  ipcMain.handle(
    IPC_PREFIX + DISPLAY_SCREENSHOT,
    async (event: IpcMainInvokeEvent, request: unknown): Promise<IpcResult<Uint8Array>> => {
      if (!isTrustedSender(event.senderFrame, rendererDir)) return forbidden;
      const endpoint = endpointOf(request);
      if (endpoint === null) return invalid('endpoint must be an integer 1..63');
      try {
        return { ok: true, value: new Uint8Array(await display.screenshot(endpoint)) };
      } catch (e) {
        return failure(e);
      }
    },
  );
  return () => {
    ipcMain.removeHandler(IPC_PREFIX + DISPLAY_OPEN);
    ipcMain.removeHandler(IPC_PREFIX + DISPLAY_SCREENSHOT);
  };
}
