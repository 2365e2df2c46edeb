/*
 * The console's read-only views for managed VMs beside the gated host operations: a VM's
 * serial output (for the serial pane: read, and watched for pushes), its settings as the Edit form shows them, and the
 * images of `imageDirs` for the New VM form. Each checks the console control's rights the
 * way the control socket would (OBSERVE and the grant; HOST for the host's image list).
 */
import { type Control, maskHas } from '../../core';
import { Cap, ErrorCode, VmsigError } from '../../../shared/model';
import type { ImageView, InvokeResponse } from '../../../shared/ipc';
import type { ConsoleHostPort } from './host-port';
import { managedToForm } from './vm-form';
import { SERIAL_WATCHES_PER_WINDOW, type SerialPushes } from './serial-pushes';

/** At most this much serial output per call, so a chatty guest cannot stall the bridge. */
export const SERIAL_CHUNK_BYTES = 256 * 1024;

function observe(control: Control | undefined, id: number): void {
  if (!control || (control.spec.caps & Cap.OBSERVE) === 0)
    throw new VmsigError(ErrorCode.PERM, 'needs OBSERVE');
  if (!maskHas(control.spec.grant, id))
    throw new VmsigError(ErrorCode.GRANT, `VM ${id} is outside the grant`);
}

/** Serial output of VM `id` after `since` (see the `serial.read` channel). */
export function readSerial(
  host: ConsoleHostPort,
  control: Control | undefined,
  id: number,
  since: number,
): InvokeResponse<'serial.read'> {
  observe(control, id);
  const s = host.serialLog?.(id);
  if (!s) return { run: null, source: '', start: 0, next: 0, base64: '' };
  const size = s.log.size();
  // Past the end means the caller read an earlier run: start this one from its beginning.
  const from = since > size ? 0 : since;
  const bytes = s.log.bytes(from);
  const chunk = bytes.subarray(0, SERIAL_CHUNK_BYTES);
  const start = Math.max(from, size - bytes.length);
  return {
    run: s.run,
    source: s.source ?? `QEMU pid ${s.run}`,
    start,
    next: start + chunk.length,
    base64: chunk.toString('base64'),
  };
}

/** Starts or ends `window`'s serial pushes of VM `id` (OBSERVE and the grant, like serial.read). */
export function watchSerial<W extends object>(
  pushes: SerialPushes<W>,
  control: Control | undefined,
  window: W | undefined,
  req: { id: number; watch: boolean },
): InvokeResponse<'serial.watch'> {
  observe(control, req.id);
  if (!window) return { watching: false };
  if (!req.watch) {
    pushes.unwatch(window, req.id);
    return { watching: false };
  }
  if (!pushes.watch(window, req.id))
    throw new VmsigError(
      ErrorCode.BUSY,
      `a window may watch at most ${SERIAL_WATCHES_PER_WINDOW} serial panes`,
    );
  return { watching: true };
}

/** VM `id`'s name and form settings: managed (null: more than the form can show) or attached. */
export function vmSettings(
  host: ConsoleHostPort,
  control: Control | undefined,
  id: number,
): InvokeResponse<'vm.settings'> {
  observe(control, id);
  const s = host.managedSettings?.(id);
  if (s) return { name: s.name, managed: managedToForm(s.managed), attached: null };
  const a = host.attachedSettings?.(id);
  if (!a) throw new VmsigError(ErrorCode.NOENT, `no VM ${id} with settings to show`);
  const { name, qmp, vnc, serial } = a;
  return { name, managed: null, attached: { qmp, ...(vnc && { vnc }), ...(serial && { serial }) } };
}

/** The images of `imageDirs`, for a console control with HOST (it may create VMs from them). */
export function vmImages(host: ConsoleHostPort, control: Control | undefined): { images: ImageView[] } {
  if (!control || (control.spec.caps & Cap.HOST) === 0) throw new VmsigError(ErrorCode.PERM, 'needs HOST');
  return { images: host.images?.() ?? [] };
}
