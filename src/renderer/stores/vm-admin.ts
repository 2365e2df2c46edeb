/*
 * The New VM / Edit form's actions: list the images of the configured image directories,
 * read a VM's settings, create and edit managed VMs through the host's gated operations.
 * Every failure becomes a notice (and the form keeps its values); components call these.
 */
import type { ImageView, ManagedVmForm } from '../../shared/ipc';
import { getApi } from '../api';
import { notify } from './notices';

/** The images the host offers (empty when it has none or refuses). */
export async function loadImages(): Promise<ImageView[]> {
  const r = await getApi().invoke('vm.images', {});
  return r.ok ? r.value.images : [];
}

/** VM `id`'s settings as the form shows them; null with a notice when they cannot be shown. */
export async function loadSettings(id: number): Promise<{ name: string; managed: ManagedVmForm } | null> {
  const r = await getApi().invoke('vm.settings', { id });
  if (!r.ok) {
    notify('error', `Edit VM ${id}: ${r.error.message}`);
    return null;
  }
  if (!r.value.managed) {
    notify('warn', `${r.value.name} has settings the form cannot show: edit it in the configuration file`);
    return null;
  }
  return { name: r.value.name, managed: r.value.managed };
}

/** Creates (or, with `edit`, rewrites) a managed VM; resolves with whether the host accepted it. */
export async function saveVm(
  edit: boolean,
  id: number,
  name: string,
  managed: ManagedVmForm,
): Promise<boolean> {
  const r = await getApi().invoke(edit ? 'vm.edit' : 'vm.create', { id, name, managed });
  if (!r.ok) {
    notify('error', `${edit ? 'Edit' : 'Create'} ${name} failed: ${r.error.message}`);
    return false;
  }
  notify('info', `${name} ${edit ? 'saved' : 'created'}`);
  return true;
}

/** Parses "2222:22, 8080:80" (host port:guest port) into forwards, or null when malformed. */
export function parseForwards(text: string): { hostPort: number; guestPort: number }[] | null {
  const items = text.split(/[\s,]+/).filter(Boolean);
  const out: { hostPort: number; guestPort: number }[] = [];
  for (const item of items) {
    const m = /^(\d{1,5}):(\d{1,5})$/.exec(item);
    if (!m) return null;
    const [hostPort, guestPort] = [Number(m[1]), Number(m[2])];
    if (hostPort < 1 || hostPort > 65535 || guestPort < 1 || guestPort > 65535) return null;
    out.push({ hostPort, guestPort });
  }
  return out;
}
