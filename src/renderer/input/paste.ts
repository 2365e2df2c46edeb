/*
 * Paste as keystrokes from the console: asks the host for the layouts and a preview of what
 * a layout cannot type, runs the paste (the host types it under our INPUT lease, paced by
 * ACT_ACKs) and cancels it, on a local VM or another fleet host's. The layout chosen per VM
 * is kept for the session.
 */
import type { InvokeResponse, IpcResult } from '../../shared/ipc';
import { getApi } from '../api';
import { notify } from '../stores/notices';

/** Where a paste goes: a local VM or another host's (whose core then decides each key). */
export interface PasteTarget {
  /** Names the VM across hosts (the layout choice is kept per VM). */
  key: string;
  layouts(): Promise<IpcResult<InvokeResponse<'input.layouts'>>>;
  type(layout: string, text: string): Promise<IpcResult<InvokeResponse<'input.type'>>>;
  cancel(): Promise<unknown>;
}

/** A VM of this host. */
export const localPaste = (endpoint: number): PasteTarget => ({
  key: String(endpoint),
  layouts: () => getApi().invoke('input.layouts', { endpoint }),
  type: (layout, text) => getApi().invoke('input.type', { endpoint, layout, text }),
  cancel: () => getApi().invoke('input.typeCancel', { endpoint }),
});

/** VM `endpoint` of fleet host `host`: typed here, each key a command to that host's core. */
export const remotePaste = (host: string, endpoint: number): PasteTarget => ({
  key: `${host}/${endpoint}`,
  layouts: () => getApi().invoke('fleet.layouts', { host, endpoint }),
  type: (layout, text) => getApi().invoke('fleet.type', { host, endpoint, layout, text }),
  cancel: () => getApi().invoke('fleet.typeCancel', { host, endpoint }),
});

const chosen = new Map<string, string>();

/** The host's layouts and the one to use for `target` (the operator's choice, else the VM's). */
export async function layoutsFor(
  target: PasteTarget,
): Promise<{ names: string[]; layout: string; error: string }> {
  const r = await target.layouts();
  if (!r.ok) return { names: [], layout: 'en-us', error: r.error.message };
  return { ...r.value, layout: chosen.get(target.key) ?? r.value.layout };
}

/** Remembers the operator's layout for `target`. */
export function chooseLayout(target: PasteTarget, layout: string): void {
  chosen.set(target.key, layout);
}

/** The characters of `text` that `layout` cannot type ('' text: none). */
export async function previewPaste(
  layout: string,
  text: string,
): Promise<{ untypable: string[]; error: string }> {
  if (!text) return { untypable: [], error: '' };
  const r = await getApi().invoke('input.preview', { layout, text });
  return r.ok ? r.value : { untypable: [], error: r.error.message };
}

/** Types `text` on `target`; resolves when done, cancelled or refused (each said as a notice). */
export async function runPaste(target: PasteTarget, layout: string, text: string): Promise<void> {
  const r = await target.type(layout, text);
  if (!r.ok) return notify('error', `Paste failed: ${r.error.message}`);
  const { typed, total, cancelled, err } = r.value;
  if (err) notify('error', `Paste stopped after ${typed} of ${total} characters: ${err}`);
  else if (cancelled) notify('warn', `Paste cancelled after ${typed} of ${total} characters; keys released`);
  else notify('info', `Pasted ${total} characters (${layout})`);
}

/** Cancels the paste running on `target`. */
export async function cancelPaste(target: PasteTarget): Promise<void> {
  await target.cancel();
}
