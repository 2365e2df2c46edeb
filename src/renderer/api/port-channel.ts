/*
 * A noVNC raw channel over an Electron MessagePort: noVNC's Websock accepts any object with
 * send/close/binaryType/onopen/onmessage/onerror/protocol/readyState. RFB bytes travel as
 * ArrayBuffers; the page acknowledges what it received so the host can hold QEMU back
 * (backpressure without a socket's bufferedAmount), and either side may send a close.
 */
import { PORT_ACK_BYTES, type PortControl } from '../../shared/display';

/** The shape noVNC's Websock.attach() checks for. */
export interface RawChannel {
  binaryType: string;
  protocol: string;
  readyState: string;
  onopen: ((e: unknown) => void) | null;
  onmessage: ((e: { data: ArrayBuffer }) => void) | null;
  onerror: ((e: unknown) => void) | null;
  onclose: ((e: { code: number; reason: string; wasClean: boolean }) => void) | null;
  send(data: ArrayBuffer | ArrayBufferView): void;
  close(): void;
}

function toArrayBuffer(d: ArrayBuffer | ArrayBufferView): ArrayBuffer {
  if (d instanceof ArrayBuffer) return d;
  return d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer;
}

/** Wraps `port` (already open: the host's relay is on the other end). */
export function portChannel(port: MessagePort): RawChannel {
  let received = 0;
  let acked = 0;
  const ended = (reason: string): void => {
    if (ch.readyState === 'closed') return;
    ch.readyState = 'closed';
    port.close();
    ch.onclose?.({ code: 1000, reason, wasClean: true });
  };
  const ch: RawChannel = {
    binaryType: 'arraybuffer',
    protocol: '',
    readyState: 'open',
    onopen: null,
    onmessage: null,
    onerror: null,
    onclose: null,
    send(data) {
      // noVNC reuses its send buffer: post a copy.
      if (ch.readyState === 'open') port.postMessage(toArrayBuffer(data).slice(0));
    },
    close() {
      if (ch.readyState !== 'open') return;
      port.postMessage({ t: 'close', reason: 'viewer closed' } satisfies PortControl);
      ended('viewer closed');
    },
  };
  port.onmessage = (e: MessageEvent<unknown>) => {
    const d = e.data;
    if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) {
      const buf = toArrayBuffer(d);
      received += buf.byteLength;
      if (received - acked >= PORT_ACK_BYTES) {
        acked = received;
        port.postMessage({ t: 'ack', bytes: received } satisfies PortControl);
      }
      ch.onmessage?.({ data: buf });
      return;
    }
    const c = d as Partial<PortControl> | null;
    if (c?.t === 'close') ended(String(c.reason ?? 'closed by the host'));
  };
  port.start();
  return ch;
}
