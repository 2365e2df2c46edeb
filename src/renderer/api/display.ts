/*
 * Opening a VM's screen through the host's RFB relay, in either shell: the headless host
 * mints a one-time ticket over the authenticated API (token in a header) and the page opens
 * `/display/<vm>?ticket=…`; Electron hands over a MessagePort. The renderer never connects
 * to QEMU itself. Also the screenshot, as a PNG blob from the host.
 */
import { type DisplayBridge, type DisplayTicketResponse, type PointerStatus } from '../../shared/display';
import type { IpcResult, VmsigApi } from '../../shared/ipc';
import { type RawChannel, portChannel } from './port-channel';
import { pageToken } from './token';

/** What noVNC opens (a ws:// URL or a MessagePort channel) and the VM's pointer status. */
export interface OpenedDisplay {
  channel: string | RawChannel;
  pointer: PointerStatus;
}

function bridge(): DisplayBridge | null {
  return (window.vmsig as (VmsigApi & { display?: DisplayBridge }) | undefined)?.display ?? null;
}

const token = pageToken;

async function hostError(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => null)) as { message?: string } | null;
  return new Error(body?.message ?? `HTTP ${res.status}`);
}

function unwrap<T>(r: IpcResult<T>): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Waits for the port the preload reposts with our nonce. */
function portFor(nonce: string, timeoutMs = 5000): Promise<MessagePort> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      reject(new Error('the display port did not arrive'));
    }, timeoutMs);
    const onMessage = (e: MessageEvent<unknown>): void => {
      const d = e.data as { vmsigDisplayPort?: unknown } | null;
      if (e.source !== window || d?.vmsigDisplayPort !== nonce || !e.ports[0]) return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(e.ports[0]);
    };
    window.addEventListener('message', onMessage);
  });
}

/** Opens VM `endpoint`'s screen; rejects with the host's reason (no OBSERVE, not granted, no display). */
export async function openDisplay(endpoint: number): Promise<OpenedDisplay> {
  const electron = bridge();
  if (electron) {
    const nonce = crypto.randomUUID();
    const port = portFor(nonce);
    const grant = unwrap(await electron.open(endpoint, nonce));
    return { channel: portChannel(await port), pointer: grant.pointer };
  }
  const res = await fetch(`/display/ticket/${endpoint}`, {
    method: 'POST',
    headers: { 'X-Vmsig-Token': token() },
  });
  if (!res.ok) throw await hostError(res);
  const t = (await res.json()) as DisplayTicketResponse;
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    channel: `${proto}//${window.location.host}/display/${endpoint}?ticket=${encodeURIComponent(t.ticket)}`,
    pointer: t.pointer,
  };
}

/** PNG of VM `endpoint`'s screen, taken by the host. */
export async function takeScreenshot(endpoint: number): Promise<Blob> {
  const electron = bridge();
  if (electron)
    return new Blob([unwrap(await electron.screenshot(endpoint)) as Uint8Array<ArrayBuffer>], {
      type: 'image/png',
    });
  const res = await fetch(`/display/screenshot/${endpoint}`, { headers: { 'X-Vmsig-Token': token() } });
  if (!res.ok) throw await hostError(res);
  return res.blob();
}
