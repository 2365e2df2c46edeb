/*
 * The display relay's contract between the shells and the renderer: the pointer status a
 * page learns before opening a screen, the Electron bridge (a MessagePort per screen,
 * handed over with a nonce the page chose) and the messages that carry flow control on
 * that port. Types and names only; nothing here does I/O.
 */
import type { IpcResult } from './ipc';

/** Whether the VM has an absolute pointer (tablet); pointer input needs one. */
export type PointerStatus = 'absolute' | 'relative-only' | 'unknown';

/** What a page learns when it may open a VM's screen. */
export interface DisplayGrant {
  pointer: PointerStatus;
}

/** The serve shell's answer to `POST /display/ticket/<vm>`. */
export interface DisplayTicketResponse extends DisplayGrant {
  ticket: string;
  expiresInMs: number;
}

/** Electron: IPC channels of the display bridge (after IPC_PREFIX). */
export const DISPLAY_OPEN = 'display.open';
export const DISPLAY_SCREENSHOT = 'display.screenshot';
/** Electron: main → preload message that carries the port; the preload reposts it to the page. */
export const DISPLAY_PORT = 'display.port';

/** Control messages on a display port (everything else is RFB bytes). */
export type PortControl =
  /** Viewer → host: total RFB bytes received so far (the host's backlog is sent − acked). */
  | { t: 'ack'; bytes: number }
  /** Either way: the relay is over. */
  | { t: 'close'; reason: string };

/** The viewer acknowledges at least every this many bytes. */
export const PORT_ACK_BYTES = 256 * 1024;

/** The display functions the Electron preload adds to `window.vmsig`. */
export interface DisplayBridge {
  /** Opens VM `endpoint`'s screen; the port arrives as a window message `{ vmsigDisplayPort: nonce }`. */
  open(endpoint: number, nonce: string): Promise<IpcResult<DisplayGrant>>;
  /** PNG of VM `endpoint`'s screen. */
  screenshot(endpoint: number): Promise<IpcResult<Uint8Array>>;
}
