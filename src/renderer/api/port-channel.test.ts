import { describe, expect, it } from 'vitest';
import { PORT_ACK_BYTES } from '../../shared/display';
import { portChannel } from './port-channel';

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('portChannel (noVNC raw channel over a MessagePort)', () => {
  it('has every property noVNC checks and starts open', () => {
    const { port1, port2 } = new MessageChannel();
    const ch = portChannel(port1);
    for (const p of [
      'send',
      'close',
      'binaryType',
      'onerror',
      'onmessage',
      'onopen',
      'protocol',
      'readyState',
    ])
      expect(Object.keys(ch)).toContain(p);
    expect(ch.readyState).toBe('open');
    port2.close();
  });

  it('delivers host bytes as ArrayBuffers and acknowledges them in steps', async () => {
    const { port1, port2 } = new MessageChannel();
    const ch = portChannel(port1);
    const got: number[] = [];
    ch.onmessage = (e) => got.push(e.data.byteLength);
    const control: unknown[] = [];
    port2.onmessage = (e: MessageEvent) => control.push(e.data);
    port2.postMessage(new Uint8Array(PORT_ACK_BYTES - 1));
    port2.postMessage(new Uint8Array(2).buffer);
    await tick();
    expect(got).toEqual([PORT_ACK_BYTES - 1, 2]);
    expect(control).toEqual([{ t: 'ack', bytes: PORT_ACK_BYTES + 1 }]);
    port1.close();
  });

  it('sends a copy of what noVNC hands it, and closes both ways', async () => {
    const { port1, port2 } = new MessageChannel();
    const ch = portChannel(port1);
    const seen: unknown[] = [];
    port2.onmessage = (e: MessageEvent) => seen.push(e.data);
    const buf = new Uint8Array([1, 2, 3, 4]);
    ch.send(buf.subarray(1, 3));
    buf.fill(9);
    await tick();
    expect(new Uint8Array(seen[0] as ArrayBuffer)).toEqual(new Uint8Array([2, 3]));
    let closed = '';
    ch.onclose = (e) => (closed = e.reason);
    port2.postMessage({ t: 'close', reason: 'viewer sent KeyEvent' });
    await tick();
    expect(closed).toBe('viewer sent KeyEvent');
    expect(ch.readyState).toBe('closed');
  });
});
