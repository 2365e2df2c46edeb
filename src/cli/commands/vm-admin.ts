/*
 * `vmsig vm add|edit|create|remove`: the host operations of the console's Add attached VM,
 * New VM, Edit and Remove, sent as host requests (§10) and run by the host as this CLI's
 * control (HOST, grant; journaled). Edit first reads the VM's settings (`vm.settings`) and
 * changes only what the options name, as the Edit form shows the settings before Save.
 */
import type { HostReply, WireClient } from '../../main/wire';
import { type CliIo, type ParsedArgs, UsageError } from '../command';
import {
  addRequest,
  createRequest,
  editAttachedRequest,
  editManagedRequest,
  hasAdminOption,
} from './vm-admin-args';

/** The actions this module runs. */
export const ADMIN_ACTIONS = ['add', 'edit', 'create', 'remove'] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** Starting a VM (create, and edit's restart) can take as long as QEMU's start. */
const START_TIMEOUT_MS = 120_000;

/** The requests `action` will send once connected, checked before connecting where it can be. */
export function checkAdminArgs(action: AdminAction, p: ParsedArgs, vm: number): void {
  if (action === 'add') addRequest(p, vm);
  else if (action === 'create') createRequest(p, vm);
  else if (action === 'remove') {
    const given = hasAdminOption(p);
    if (given) throw new UsageError(`vm remove takes only --vm, not --${given}`);
  } else if (!hasAdminOption(p)) throw new UsageError('vm edit needs at least one setting to change');
}

function refused(io: CliIo, what: string, r: Extract<HostReply, { ok: false }>): number {
  io.err(`${what}: refused: ${r.err}${r.message ? ` (${r.message})` : ''}`);
  return 1;
}

/** Runs `action` on VM `vm`; prints the outcome; returns the exit status (UsageError for options that do not fit the VM). */
export async function runAdmin(
  client: WireClient,
  io: CliIo,
  action: AdminAction,
  p: ParsedArgs,
  vm: number,
): Promise<number> {
  const what = `vm ${action} on VM ${vm}`;
  let r: HostReply;
  let done: string;
  if (action === 'add') {
    const { id: _id, ramFile, ...rest } = addRequest(p, vm);
    r = await client.hostRequest('vm.add', { vm, ...rest, ...(ramFile && { ramFile }) }, START_TIMEOUT_MS);
    done = `added ${rest.name} (attached to ${rest.qmp})`;
  } else if (action === 'create') {
    const req = createRequest(p, vm);
    r = await client.hostRequest('vm.create', { vm, ...req }, START_TIMEOUT_MS);
    done = `created ${req.name} and started it`;
  } else if (action === 'remove') {
    r = await client.hostRequest('vm.remove', { vm }, START_TIMEOUT_MS);
    done = 'removed';
  } else {
    const s = await client.hostRequest('vm.settings', { vm });
    if (!s.ok) return refused(io, what, s);
    const cur = s.result as { name: string; managed?: Record<string, unknown>; attached?: { qmp: string } };
    const req = cur.managed
      ? editManagedRequest(p, vm, { name: cur.name, managed: cur.managed })
      : editAttachedRequest(p, vm, { name: cur.name, ...cur.attached! });
    r = await client.hostRequest('vm.edit', { vm, ...req }, START_TIMEOUT_MS);
    done = `edited ${req.name} (${cur.managed ? 'managed' : 'attached'})`;
  }
  if (!r.ok) return refused(io, what, r);
  io.out(`VM ${vm}: ${done}`);
  return 0;
}
