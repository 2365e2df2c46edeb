/*
 * The VmsigApi over the headless host's WebSocket bridge: invokes as JSON requests with
 * ids, snapshots as JSON pushes, event batches as binary frames (the packed records as-is).
 * It authenticates with a hello carrying the token, reconnects after a drop; invokes made
 * while down fail fast with a typed error.
 */
import type {
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
  IpcResult,
  PushChannel,
  PushMap,
  VmsigApi,
} from '../../shared/ipc';

/** Message the bridge sends as text. */
type ServerText =
  | { t: 'result'; id: number; result: IpcResult<unknown> }
  | { t: 'snapshot'; payload: PushMap['snapshot'] }
  | { t: 'serial'; payload: PushMap['serial'] }
  | { t: 'fleetEvents'; payload: PushMap['fleetEvents'] };

/** Code for "the bridge is not connected" (a host code, beside HostErrorCode). */
export const DISCONNECTED = 1003;

/**
 * Creates the API over `url` (ws://host/api). Each connection's first message is the hello
 * that carries `token` (a browser cannot put a header on a WebSocket).
 */
export function createWsApi(url: string, token: string, onStatus?: (connected: boolean) => void): VmsigApi {
  let ws: WebSocket | null = null;
  let nextId = 1;
  const pending = new Map<number, (r: IpcResult<unknown>) => void>();
  const listeners: { [P in PushChannel]: Set<(p: PushMap[P]) => void> } = {
    snapshot: new Set(),
    events: new Set(),
    serial: new Set(),
    fleetEvents: new Set(),
  };

  const failAll = (): void => {
    for (const resolve of pending.values())
      resolve({ ok: false, error: { code: DISCONNECTED, message: 'the connection to the host was lost' } });
    pending.clear();
  };

  const connect = (): void => {
    const sock = new WebSocket(url);
    sock.binaryType = 'arraybuffer';
    ws = sock;
    sock.onopen = () => {
      sock.send(JSON.stringify({ t: 'hello', token }));
      onStatus?.(true);
    };
    sock.onmessage = (m: MessageEvent<ArrayBuffer | string>) => {
      if (typeof m.data !== 'string') {
        const batch = new Uint8Array(m.data);
        for (const l of listeners.events) l(batch);
        return;
      }
      const msg = JSON.parse(m.data) as ServerText | { t: 'welcome' };
      if (msg.t === 'result') {
        pending.get(msg.id)?.(msg.result);
        pending.delete(msg.id);
      } else if (msg.t === 'snapshot') {
        for (const l of listeners.snapshot) l(msg.payload);
      } else if (msg.t === 'serial') {
        for (const l of listeners.serial) l(msg.payload);
      } else if (msg.t === 'fleetEvents') {
        for (const l of listeners.fleetEvents) l(msg.payload);
      }
    };
    sock.onclose = () => {
      onStatus?.(false);
      failAll();
      ws = null;
      setTimeout(connect, 1000);
    };
  };
  connect();

  return {
    invoke<C extends InvokeChannel>(
      channel: C,
      request: InvokeRequest<C>,
    ): Promise<IpcResult<InvokeResponse<C>>> {
      const sock = ws;
      if (!sock || sock.readyState !== WebSocket.OPEN) {
        return Promise.resolve({
          ok: false,
          error: { code: DISCONNECTED, message: 'not connected to the host' },
        });
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: IpcResult<unknown>) => void);
        sock.send(JSON.stringify({ t: 'invoke', id, channel, request }));
      });
    },
    on<P extends PushChannel>(channel: P, listener: (payload: PushMap[P]) => void): () => void {
      const set = listeners[channel] as Set<(p: PushMap[P]) => void>;
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
