/*
 * Paste as keystrokes from the console: asks the host for the layouts and a preview of what
 * a layout cannot type, runs the paste (the host types it under our INPUT lease, paced by
 * ACT_ACKs) and cancels it. The layout chosen per VM is kept for the session.
 */
import { getApi } from '../api';
import { notify } from '../stores/notices';

const chosen = new Map<number, string>();

/** The host's layouts and the one to use for `endpoint` (the operator's choice, else the VM's). */
export async function layoutsFor(
  endpoint: number,
): Promise<{ names: string[]; layout: string; error: string }> {
  const r = await getApi().invoke('input.layouts', { endpoint });
  if (!r.ok) return { names: [], layout: 'en-us', error: r.error.message };
  return { ...r.value, layout: chosen.get(endpoint) ?? r.value.layout };
}

/** Remembers the operator's layout for `endpoint`. */
export function chooseLayout(endpoint: number, layout: string): void {
  chosen.set(endpoint, layout);
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

/** Types `text` on `endpoint`; resolves when done, cancelled or refused (each said as a notice). */
export async function runPaste(endpoint: number, layout: string, text: string): Promise<void> {
  const r = await getApi().invoke('input.type', { endpoint, layout, text });
  if (!r.ok) return notify('error', `Paste failed: ${r.error.message}`);
  const { typed, total, cancelled, err } = r.value;
  if (err) notify('error', `Paste stopped after ${typed} of ${total} characters: ${err}`);
  else if (cancelled) notify('warn', `Paste cancelled after ${typed} of ${total} characters; keys released`);
  else notify('info', `Pasted ${total} characters (${layout})`);
}

/** Cancels the paste running on `endpoint`. */
export async function cancelPaste(endpoint: number): Promise<void> {
  await getApi().invoke('input.typeCancel', { endpoint });
}
