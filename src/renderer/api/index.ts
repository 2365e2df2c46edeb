/*
 * Picks the API the renderer talks to: the Electron preload's `window.vmsig` when present,
 * else the headless host's WebSocket bridge (same origin, the page's token). Only stores
 * import this; components never do.
 */
import type { VmsigApi } from '../../shared/ipc';
import { createWsApi } from './ws-client';

declare global {
  interface Window {
    vmsig?: VmsigApi;
  }
}

let api: VmsigApi | null = null;
const statusListeners = new Set<(connected: boolean) => void>();

/** The page's token (headless host), from `?token=`. */
export function pageToken(): string {
  return new URLSearchParams(window.location.search).get('token') ?? '';
}

/** The one API instance. */
export function getApi(): VmsigApi {
  if (api) return api;
  if (window.vmsig) {
    api = window.vmsig;
  } else {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${proto}//${window.location.host}/api?token=${encodeURIComponent(pageToken())}`;
    api = createWsApi(url, (c) => statusListeners.forEach((l) => l(c)));
  }
  return api;
}

/** Listens to the bridge's connection state (Electron is always connected). */
export function onConnection(listener: (connected: boolean) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** Resolves a same-origin VNC path to a ws:// URL with the token (loopback ws:// URLs pass through). */
export function vncUrl(vnc: string): string {
  if (vnc.startsWith('ws://') || vnc.startsWith('wss://')) return vnc;
  const url = new URL(vnc, window.location.href);
  url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', pageToken());
  return url.href;
}
