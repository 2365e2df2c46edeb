/*
 * One browser tab's end of the WebSocket bridge: text frames carry invokes and their
 * results ({t:'invoke',id,channel,request} → {t:'result',id,result}) and snapshots; binary
 * frames carry packed event batches as-is. A tab that falls behind loses event batches
 * (counted), never the connection or the host's memory.
 */
import type { WebSocket } from 'ws';
import type { PushMap } from '../../shared/ipc';
import { HostErrorCode } from '../../shared/ipc';
import type { Log } from '../core';
import type { ConsoleService, PushSink } from '../host/console';

/** Bytes a tab may have unsent before event batches are skipped. */
const MAX_BUFFERED = 8 * 1024 * 1024;
/** Largest invoke message accepted. */
export const MAX_MESSAGE = 64 * 1024;

/** Wires one socket to the service until it closes. */
export function bridgeSocket(ws: WebSocket, service: ConsoleService, log: Log): void {
  let skipped = 0;
  const sink: PushSink = {
    eventsEnabled: false,
    push<P extends keyof PushMap>(channel: P, payload: PushMap[P]): void {
      if (ws.readyState !== ws.OPEN) return;
      // A tab that is behind skips event batches (counted) and serial pushes (its pane reads
      // the hole back from the host's capped log): neither grows the host's memory.
      if ((channel === 'events' || channel === 'serial') && ws.bufferedAmount > MAX_BUFFERED) {
        skipped++;
        return;
      }
      if (channel === 'events') {
        ws.send(payload as Uint8Array, { binary: true });
      } else {
        ws.send(JSON.stringify({ t: channel, payload }));
      }
    },
  };
  const dispose = service.addSink(sink);
  ws.on('message', (data, isBinary) => {
    let msg: unknown;
    try {
      if (isBinary) throw new Error('binary invoke');
      msg = JSON.parse(String(data));
    } catch {
      ws.close(1003, 'invokes are JSON text');
      return;
    }
    // JSON text may be `null`, a number or an array: only an object is an invoke.
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as {
      t?: unknown;
      id?: unknown;
      channel?: unknown;
      request?: unknown;
    };
    if (m.t !== 'invoke' || typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) {
      ws.close(1008, 'malformed invoke');
      return;
    }
    const id = m.id;
    // A synchronous throw inside dispatch becomes a rejected promise, answered below.
    Promise.resolve()
      .then(() => service.dispatch(m.channel, m.request, sink))
      .then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id, result }));
      })
      .catch((e: unknown) => {
        const result = { ok: false, error: { code: HostErrorCode.HOST, message: String(e) } };
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id, result }));
      });
  });
  ws.on('close', () => {
    dispose();
    if (skipped)
      log('warn', `a browser tab skipped ${skipped} event batches or serial pushes while it was behind`);
  });
  ws.on('error', (e) => log('warn', `browser socket error: ${e.message}`));
}
