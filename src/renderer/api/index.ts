/*
 * Picks the API the renderer talks to: the Electron preload's `window.vmsig` when present,
 * else the headless host's WebSocket bridge (same origin), authenticated with the page's
 * token (token.ts). Only stores and the screen import this; other components never do.
 */
import type { VmsigApi } from '../../shared/ipc';
import { pageToken } from './token';
import { createWsApi } from './ws-client';

declare global {
  interface Window {
    vmsig?: VmsigApi;
  }
}

let api: VmsigApi | null = null;
const statusListeners = new Set<(connected: boolean) => void>();

/** The one API instance. */
export function getApi(): VmsigApi {
  if (api) return api;
  if (window.vmsig) {
    api = window.vmsig;
  } else {
    const token = pageToken();
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    api = createWsApi(`${proto}//${window.location.host}/api`, token, (c) =>
      statusListeners.forEach((l) => l(c)),
    );
  }
  return api;
}

/** Listens to the bridge's connection state (Electron is always connected). */
export function onConnection(listener: (connected: boolean) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

export { pageToken } from './token';
export { openDisplay, takeScreenshot, type OpenedDisplay } from './display';
