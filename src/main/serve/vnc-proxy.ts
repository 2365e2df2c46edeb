/*
 * The display relay's WebSocket end in `vmsig serve`: adapts one browser socket to the
 * relay's ViewerChannel (binary frames, the socket's bufferedAmount as the backlog) and
 * hands it to the host's DisplayService, which parses RFB and decides what passes. Nothing
 * here forwards a byte by itself.
 */
import type { WebSocket } from 'ws';
import type { DisplayService, ViewerChannel } from '../host/display';

/** Close reasons must fit a WebSocket close frame (123 bytes). */
const reasonOf = (why: string): string =>
  Buffer.from(why)
    .subarray(0, 120)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');

/** A ViewerChannel over a browser WebSocket. */
export function wsViewer(ws: WebSocket): ViewerChannel {
  return {
    send(data) {
      if (ws.readyState === ws.OPEN) ws.send(data, { binary: true });
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    close(why) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, reasonOf(why));
    },
    onData(listener) {
      ws.on('message', (data: Buffer, isBinary) => {
        // RFB is binary; a text frame is not a viewer we speak to (one closed byte stream).
        if (!isBinary) ws.close(1003, 'RFB is binary');
        else listener(data);
      });
    },
    onClose(listener) {
      ws.on('close', listener);
      ws.on('error', listener);
    },
  };
}

/** Relays `ws` to VM `endpoint` through `display` (admission is checked there). */
export function relayDisplay(ws: WebSocket, display: DisplayService, endpoint: number): void {
  void display.open(wsViewer(ws), endpoint);
}
