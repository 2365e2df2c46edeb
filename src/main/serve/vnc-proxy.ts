/*
 * Relays a browser's noVNC WebSocket to QEMU's VNC websocket on loopback, so the page
 * stays same-origin (strict CSP, token-checked) and QEMU's port is never exposed. It
 * copies frames both ways and closes both ends together; it never parses RFB.
 */
import { WebSocket } from 'ws';
import type { Log } from '../core';

/** Connects `client` to ws://127.0.0.1:`port` and pipes frames until either side closes. */
export function proxyVnc(client: WebSocket, port: number, log: Log): void {
  const upstream = new WebSocket(`ws://127.0.0.1:${port}`, ['binary']);
  const pending: { data: Buffer; binary: boolean }[] = [];
  const close = (): void => {
    if (client.readyState === client.OPEN || client.readyState === client.CONNECTING) client.close();
    if (upstream.readyState === upstream.OPEN || upstream.readyState === upstream.CONNECTING)
      upstream.terminate();
  };
  upstream.on('open', () => {
    for (const m of pending.splice(0)) upstream.send(m.data, { binary: m.binary });
  });
  upstream.on('message', (data: Buffer, isBinary) => {
    if (client.readyState === client.OPEN) client.send(data, { binary: isBinary });
  });
  client.on('message', (data: Buffer, isBinary) => {
    if (upstream.readyState === upstream.OPEN) upstream.send(data, { binary: isBinary });
    else pending.push({ data, binary: isBinary });
  });
  upstream.on('error', (e) => {
    log('warn', `VNC websocket on port ${port}: ${e.message}`);
    close();
  });
  client.on('error', () => close());
  upstream.on('close', close);
  client.on('close', close);
}
