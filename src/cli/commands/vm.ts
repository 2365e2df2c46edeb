/*
 * `vmsig vm status|pause|resume|reset|powerdown|quit --vm N`: CMD_VM. Destructive
 * operations take the POWER lease for the command's own duration; `status` prints the
 * state the adapter reports in the ACT_ACK detail, then the host's facts (accelerator and
 * why, boot progress) from a `vms` host request. `list`, `start` and `stop` are host
 * requests (§10) that the host gates and journals as this control's.
 */
import {
  ErrorCode,
  Kind,
  LeaseClass,
  VmOp,
  VmState,
  decodeActAck,
  encodeOp,
  nameOf,
} from '../../shared/model';
import type { WireClient } from '../../main/wire';
import { type CliCommand, type CliIo, UsageError, parseArgs } from '../command';
import { type VmFacts, fetchVms, powerOp, screenshot, vmFactsLine } from './host-vm';
import { CONNECT_OPTIONS, CONNECT_USAGE, checkAck, openSession, vmOption, withLease } from './session';

const OPS: Readonly<Record<string, { op: number; destructive: boolean }>> = {
  status: { op: VmOp.QUERY, destructive: false },
  pause: { op: VmOp.STOP, destructive: false },
  resume: { op: VmOp.CONT, destructive: false },
  reset: { op: VmOp.RESET, destructive: true },
  powerdown: { op: VmOp.POWERDOWN, destructive: true },
  quit: { op: VmOp.QUIT, destructive: true },
};
const HOST_ACTIONS = ['list', 'start', 'stop', 'screenshot'] as const;
const ACTIONS = [...Object.keys(OPS), ...HOST_ACTIONS];

/** `status`: the VM's own state, then the host's facts when the server answers host requests. */
async function status(client: WireClient, io: CliIo, vm: number): Promise<number> {
  const r = await client.request({ kind: Kind.CMD_VM, endpoint: vm, inln: encodeOp({ op: VmOp.QUERY }) });
  const code = checkAck(io, `vm status on VM ${vm}`, r);
  if (code === 0) io.out(`VM ${vm}: ${nameOf(VmState, decodeActAck(r.inln).detail)}`);
  // A server without host requests closes on them (BAD_FRAME): the state above is all it has.
  const facts = await client.hostRequest('vms').catch(() => null);
  const mine = facts?.ok ? (facts.result as { vms?: VmFacts[] }).vms?.find((v) => v.id === vm) : undefined;
  if (mine) io.out(`VM ${vm} host: ${vmFactsLine(mine)}`);
  return code;
}

async function list(client: WireClient, io: CliIo): Promise<number> {
  const vms = await fetchVms(client, io);
  if (!vms) return 1;
  for (const v of vms) io.out(`VM ${v.id} ${v.name}: ${vmFactsLine(v)}`);
  return 0;
}

export const vmCommand: CliCommand = {
  name: 'vm',
  summary: 'VMs: list, status, start, stop, screenshot, pause, resume, reset, powerdown, quit',
  usage:
    `vmsig vm list ${CONNECT_USAGE}\n` +
    `vmsig vm status|start|stop|pause|resume|reset|powerdown|quit --vm N ${CONNECT_USAGE}\n` +
    `vmsig vm screenshot --vm N FILE ${CONNECT_USAGE}   (PNG, written 0600)\n` +
    '  reset, powerdown and quit take the POWER lease for their duration; start and stop need POWER\n' +
    '  (and are refused LEASE while another control holds the POWER lease)',
  async run(args, io) {
    const p = parseArgs(args, [...CONNECT_OPTIONS, 'vm']);
    const [action, ...rest] = p.positionals;
    const file = action === 'screenshot' ? rest.shift() : undefined;
    if (action === 'screenshot' && !file)
      throw new UsageError('vm screenshot needs a FILE to write the PNG to');
    const extra = rest[0];
    if (action === undefined || !ACTIONS.includes(action))
      throw new UsageError(`first argument must be one of ${ACTIONS.join(', ')}, got "${action ?? ''}"`);
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (action === 'list' && p.options.has('vm')) throw new UsageError('vm list takes no --vm');
    const vm = action === 'list' ? 0 : vmOption(p);
    const client = await openSession(p, 'vm');
    try {
      if (action === 'list') return await list(client, io);
      if (action === 'start' || action === 'stop') return await powerOp(client, io, action, vm);
      if (action === 'status') return await status(client, io, vm);
      if (action === 'screenshot') return await screenshot(client, io, vm, file!);
      const spec = OPS[action]!;
      const send = async (): Promise<number> => {
        const r = await client.request({ kind: Kind.CMD_VM, endpoint: vm, inln: encodeOp({ op: spec.op }) });
        const code = checkAck(io, `vm ${action} on VM ${vm}`, r);
        if (code === 0) io.out(`VM ${vm}: ${action} done`);
        return code;
      };
      return spec.destructive ? await withLease(client, io, vm, LeaseClass.POWER, send) : await send();
    } catch (e) {
      // A server that predates host requests closes on them with BAD_FRAME: say so plainly.
      if ((e as { code?: number }).code === ErrorCode.BAD_FRAME && HOST_ACTIONS.some((a) => a === action)) {
        io.err(`vm ${action}: this server does not answer host requests (BAD_FRAME)`);
        return 1;
      }
      throw e;
    } finally {
      await client.close();
    }
  },
};
