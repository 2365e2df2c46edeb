/*
 * The "Add attached VM" form's action: the request built from what was typed, sent through
 * the host's gated vm.add, and a refusal split into the field it names and its text, so the
 * form shows it beside that field. The host checks every value (the configuration file's rules).
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

/** Adds the VM; resolves null once the host attached it, else the refusal (also a notice). */
export async function addAttachedVm(
  v: AttachedVmValues,
): Promise<{ field: AttachedVmField | null; text: string } | null> {
  const req = attachedRequest(v);
  const r = await getApi().invoke('vm.addAttached', req);
  if (!r.ok) {
    notify('error', `Add ${req.name || 'VM'} failed: ${r.error.message}`);
    return refusalOf(r.error);
  }
  notify('info', `${req.name} added`);
  return null;
}
