/*
 * `vmsig vm status|pause|resume|reset|powerdown|quit --vm N`: CMD_VM. Destructive
 * operations take the POWER lease for the command's own duration; `status` prints the
 * state the adapter reports in the ACT_ACK detail, then the host's facts (accelerator and
 * why, boot progress) from a `vms` host request. `list`, `start`, `stop` and the VM
 * management of vm-admin.ts (add, edit, create, remove) are host requests (§10) that the host
 * gates and journals as this control's.
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
import { ADMIN_ACTIONS, checkAdminArgs, runAdmin } from './vm-admin';
import { ADMIN_FLAGS, ADMIN_OPTIONS, hasAdminOption } from './vm-admin-args';

const OPS: Readonly<Record<string, { op: number; destructive: boolean }>> = {
  status: { op: VmOp.QUERY, destructive: false },
  pause: { op: VmOp.STOP, destructive: false },
  resume: { op: VmOp.CONT, destructive: false },
  reset: { op: VmOp.RESET, destructive: true },
  powerdown: { op: VmOp.POWERDOWN, destructive: true },
  quit: { op: VmOp.QUIT, destructive: true },
};
const HOST_ACTIONS = ['list', 'start', 'stop', 'screenshot', ...ADMIN_ACTIONS] as const;
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
  summary:
    'VMs: list, status, start, stop, screenshot, pause, resume, reset, powerdown, quit; add, edit, create, remove',
  usage:
    `vmsig vm list ${CONNECT_USAGE}\n` +
    `vmsig vm status|start|stop|pause|resume|reset|powerdown|quit --vm N ${CONNECT_USAGE}\n` +
    `vmsig vm screenshot --vm N FILE ${CONNECT_USAGE}   (PNG, written 0600)\n` +
    'vmsig vm add --vm N --name NAME --qmp PATH [--vnc PATH|HOST:PORT] [--serial PATH|HOST:PORT] [--ram-file PATH]\n' +
    'vmsig vm create --vm N --name NAME [--disk PATH [--disk-mode snapshot|overlay|write]] [--cdrom ISO]\n' +
    '    [--memory MIB (512)] [--vcpus N (1)] [--firmware bios|uefi] [--network user|none] [--forward HOST:GUEST,...]\n' +
    'vmsig vm edit --vm N [--name NAME] and the options of add (attached) or create (managed) to change,\n' +
    '    --no-vnc, --no-serial (attached), --no-disk, --no-cdrom (managed); the rest stays as it is\n' +
    'vmsig vm remove --vm N\n' +
    '  reset, powerdown and quit take the POWER lease for their duration; start and stop need POWER\n' +
    '  (and are refused LEASE while another control holds the POWER lease); add, edit, create and remove\n' +
    "  need HOST, write the host's configuration file, and are checked by its rules (docs/config.md);\n" +
    '  relative paths are taken from the current directory; a managed VM without --disk/--cdrom boots the test guest',
  async run(args, io) {
    const p = parseArgs(args, [...CONNECT_OPTIONS, 'vm', ...ADMIN_OPTIONS], ADMIN_FLAGS);
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
    const admin = ADMIN_ACTIONS.find((a) => a === action);
    // Checked before connecting: a bad option never reaches the host.
    if (admin) checkAdminArgs(admin, p, vm);
    else if (hasAdminOption(p)) throw new UsageError(`vm ${action} takes no --${hasAdminOption(p)}`);
    const client = await openSession(p, 'vm');
    try {
      if (action === 'list') return await list(client, io);
      if (action === 'start' || action === 'stop') return await powerOp(client, io, action, vm);
      if (action === 'status') return await status(client, io, vm);
      if (action === 'screenshot') return await screenshot(client, io, vm, file!);
      if (admin) return await runAdmin(client, io, admin, p, vm);
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
