/*
 * The viewer's end of a display relay, whatever carries it: a WebSocket in `vmsig serve`,
 * a MessagePort in Electron. The relay sees bytes, a backlog figure and a close; each
 * shell adapts its transport to this shape and nothing else.
 */

/** One viewer's transport as the relay drives it. */
export interface ViewerChannel {
  /** Sends bytes toward the viewer (never blocks; the backlog grows). */
  send(data: Uint8Array): void;
  /** Bytes sent but not yet taken by the viewer (WebSocket bufferedAmount, or unacknowledged bytes). */
  readonly bufferedAmount: number;
  /** Closes toward the viewer with a reason (idempotent). */
  close(reason: string): void;
  /** Registers the one receiver of the viewer's bytes. */
  onData(listener: (data: Uint8Array) => void): void;
  /** Registers the one listener for the viewer going away. */
  onClose(listener: () => void): void;
}
