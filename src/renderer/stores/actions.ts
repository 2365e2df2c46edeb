/*
 * Operator actions: each calls the API, folds the answer into the stores and reports
 * every result (ACT_ACK / LEASE_DENIED names included) as a notice. Components call these,
 * never the API.
 */
import type { CommandReply, InputRequest, IpcResult, LeaseClassName, VmOpName } from '../../shared/ipc';

import { getApi } from '../api';
import { timelinePacer } from '../timeline/frame-pacer';
import { keyName } from '../../shared/keys';
import { releasePressed } from '../input/release-on-leave';
import { reducePressed, useInput } from './input';
import { leaseHolder, useLeases } from './leases';
import { notify, useNotices } from './notices';
import { useVms } from './vms';

const vmName = (id: number): string => useVms.getState().vms.find((v) => v.id === id)?.name ?? `VM ${id}`;

function report<T>(what: string, r: IpcResult<T>): T | null {
  if (!r.ok) {
    notify('error', `${what} failed: ${r.error.message}`);
    return null;
  }
  return r.value;
}

function reportReply(what: string, r: IpcResult<CommandReply>): CommandReply | null {
  const v = report(what, r);
  if (!v) return null;
  notify(v.ok ? 'info' : 'error', v.ok ? `${what}: ${v.kind}` : `${what}: ${v.kind} ${v.err}`);
  return v;
}

/** Starts a managed VM (progress shows while the host starts it, then until its guest shows output). */
export async function startVm(id: number): Promise<void> {
  useVms.setState((s) => ({ starting: [...s.starting, id] }));
  const r = await getApi().invoke('vm.start', { id });
  useVms.setState((s) => ({
    starting: s.starting.filter((x) => x !== id),
    booting: r.ok ? [...s.booting.filter((x) => x !== id), id] : s.booting,
  }));
  if (report(`Start ${vmName(id)}`, r)) notify('info', `${vmName(id)} started`);
}

/** Stops a managed VM. */
export async function stopVm(id: number): Promise<void> {
  if (report(`Stop ${vmName(id)}`, await getApi().invoke('vm.stop', { id })))
    notify('info', `${vmName(id)} stopped`);
}

/** Removes a VM from the host. */
export async function removeVm(id: number): Promise<void> {
  const name = vmName(id);
  if (report(`Remove ${name}`, await getApi().invoke('vm.remove', { id }))) notify('info', `${name} removed`);
}

/** Acquires a lease; returns whether it was granted. */
export async function acquire(endpoint: number, cls: LeaseClassName): Promise<boolean> {
  const v = reportReply(
    `${cls} lease on ${vmName(endpoint)}`,
    await getApi().invoke('lease.acquire', { endpoint, cls }),
  );
  return v?.kind === 'LEASE_GRANTED';
}

/** Releases a lease. */
export async function release(endpoint: number, cls: LeaseClassName): Promise<void> {
  reportReply(
    `Release ${cls} on ${vmName(endpoint)}`,
    await getApi().invoke('lease.release', { endpoint, cls }),
  );
}

/** Sends one input; keys/buttons are tracked so a release lets them go. Refusals are notices. */
export function sendInput(req: InputRequest): void {
  // The request leaves first: the state update below renders what shows pressed keys.
  const sent = getApi().invoke('input.send', req);
  timelinePacer.noteInput(sent);
  if (req.type === 'key' || req.type === 'button')
    useInput.setState((s) => ({ pressed: reducePressed(s.pressed, req.code, req.down) }));
  void sent.then((r) => {
    const v = report('Input', r);
    if (v && !v.accepted) notify('error', `Input refused: ${v.err}`);
  });
}

/** Queries the keys the VM's input seam holds (INPUT_HELD); the snapshot carries the answer. */
export async function queryHeld(endpoint: number): Promise<CommandReply | null> {
  return report('Query held keys', await getApi().invoke('input.query', { endpoint }));
}

/** Releases every held key and button of a VM reported by INPUT_HELD. */
export async function releaseAllHeld(endpoint: number): Promise<void> {
  const reply = await queryHeld(endpoint);
  const held = (reply?.fields.held as string[] | undefined) ?? [];
  for (const h of held) {
    const [kind, code] = h.split(':');
    const type = kind === 'BTN' ? 'button' : 'key';
    sendInput({ endpoint, type, code: Number(code), down: false });
  }
  if (held.length)
    notify(
      'info',
      `Released ${held.length} held: ${held.map((h) => keyName(Number(h.split(':')[1]))).join(', ')}`,
    );
  await queryHeld(endpoint);
}

/** Grab: take the INPUT lease, then release what a preempted owner left held. */
export async function grab(endpoint: number): Promise<void> {
  if (!(await acquire(endpoint, 'INPUT'))) return;
  useNotices.setState((s) => {
    const { [endpoint]: _gone, ...rest } = s.preempted;
    return { preempted: rest };
  });
  useInput.setState({ grabbed: endpoint, pressed: [] });
  await releaseAllHeld(endpoint);
}

/** Ungrab: let go of every key the console holds, then give the INPUT lease back. */
export async function ungrab(endpoint: number): Promise<void> {
  await releasePressed(endpoint); // answered before the lease goes, or they would be refused
  useInput.setState({ grabbed: null, pressed: [] });
  if (leaseHolder(useLeases.getState().leases, endpoint, 'INPUT')?.mine) await release(endpoint, 'INPUT');
}

/** Presses a chord (down in order, up in reverse), e.g. Ctrl+Alt+Del. */
export function sendChord(endpoint: number, codes: readonly number[]): void {
  for (const code of codes) sendInput({ endpoint, type: 'key', code, down: true });
  for (const code of [...codes].reverse()) sendInput({ endpoint, type: 'key', code, down: false });
}

/** Whether an op needs the POWER lease and a confirmation. */
export const isDestructive = (op: VmOpName): boolean => op === 'reset' || op === 'powerdown' || op === 'quit';

/** Runs a VM op; destructive ones hold the POWER lease around it (the caller confirmed). */
export async function vmOp(endpoint: number, op: VmOpName): Promise<void> {
  const destructive = isDestructive(op);
  const alreadyMine = leaseHolder(useLeases.getState().leases, endpoint, 'POWER')?.mine === true;
  if (destructive && !alreadyMine && !(await acquire(endpoint, 'POWER'))) return;
  try {
    reportReply(`${op} ${vmName(endpoint)}`, await getApi().invoke('vm.op', { endpoint, op }));
  } finally {
    if (destructive && !alreadyMine) await release(endpoint, 'POWER');
  }
}
