/*
 * Opening another fleet host's VM screen from the page: a one-time ticket from this host
 * over the authenticated API, then `/fleet/display/<host>/<vm>`, whose bytes this host
 * carries over NATS to the owning host's relay. Headless host only: the Electron shell has
 * no fleet screens yet (docs/fleet.md §9).
 */
import { pageToken } from './token';

/** The ws:// URL noVNC opens for VM `endpoint` of `host`; rejects with the host's reason. */
export async function openRemoteDisplay(host: string, endpoint: number): Promise<string> {
  const res = await fetch(`/fleet/display/ticket/${encodeURIComponent(host)}/${endpoint}`, {
    method: 'POST',
    headers: { 'X-Vmsig-Token': pageToken() },
  });
  if (!res.ok)
    throw new Error(res.status === 404 ? 'this console has no fleet screens' : `HTTP ${res.status}`);
  const t = (await res.json()) as { ticket: string };
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/fleet/display/${encodeURIComponent(host)}/${endpoint}?ticket=${encodeURIComponent(t.ticket)}`;
}
