/*
 * The Add / Edit attached VM form's actions: a VM's settings loaded into the form, the
 * request built from what was typed, sent through the host's gated vm.add / vm.edit, and a
 * refusal split into the field it names and its text, so the form shows it beside that
 * field. The host checks every value (the configuration file's rules).
 */
import type { IpcError, InvokeRequest } from '../../shared/ipc';
import { getApi } from '../api';
import { notify } from './notices';

/** The form's fields, as typed. */
export interface AttachedVmValues {
  id: string;
  name: string;
  qmp: string;
  vnc: string;
  serial: string;
}

/** The fields a refusal may name. */
export type AttachedVmField = keyof AttachedVmValues;
const FIELDS: readonly AttachedVmField[] = ['id', 'name', 'qmp', 'vnc', 'serial'];

/** The request for `v`: trimmed, with an empty display or serial port left out (the VM has none). */
export function attachedRequest(v: AttachedVmValues): InvokeRequest<'vm.addAttached'> {
  const vnc = v.vnc.trim();
  const serial = v.serial.trim();
  return {
    id: Number(v.id),
    name: v.name.trim(),
    qmp: v.qmp.trim(),
    ...(vnc && { vnc }),
    ...(serial && { serial }),
  };
}

/**
 * Where a refusal belongs: the field it names (null: the form as a whole) and its text
 * without the error name and the field, which the form already shows by its label.
 */
export function refusalOf(error: IpcError): { field: AttachedVmField | null; text: string } {
  const field = FIELDS.find((f) => f === error.field) ?? null;
  let text = error.message.replace(/^[A-Z_]+: /, '');
  if (field && text.startsWith(`${field}: `)) text = text.slice(field.length + 2);
  return { field, text };
}

/**
 * Adds the VM (or, with `edit`, re-attaches VM `v.id` with these settings); resolves null
 * once the host did, else the refusal (also a notice).
 */
export async function saveAttachedVm(
  edit: boolean,
  v: AttachedVmValues,
): Promise<{ field: AttachedVmField | null; text: string } | null> {
  const req = attachedRequest(v);
  const r = await getApi().invoke(edit ? 'vm.editAttached' : 'vm.addAttached', req);
  if (!r.ok) {
    notify('error', `${edit ? 'Edit' : 'Add'} ${req.name || 'VM'} failed: ${r.error.message}`);
    return refusalOf(r.error);
  }
  notify('info', `${req.name} ${edit ? 'saved' : 'added'}`);
  return null;
}

/** Attached VM `id`'s settings as the form's fields; null with a notice when it has none to show. */
export async function loadAttachedSettings(id: number): Promise<AttachedVmValues | null> {
  const r = await getApi().invoke('vm.settings', { id });
  if (!r.ok || !r.value.attached) {
    notify('error', `Edit VM ${id}: ${r.ok ? 'not an attached VM' : r.error.message}`);
    return null;
  }
  const a = r.value.attached;
  return { id: String(id), name: r.value.name, qmp: a.qmp, vnc: a.vnc ?? '', serial: a.serial ?? '' };
}
