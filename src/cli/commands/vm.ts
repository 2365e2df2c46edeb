/*
 * `vmsig vm status|pause|resume|reset|powerdown|quit --vm N`: CMD_VM. Destructive
 * operations take the POWER lease for the command's own duration; `status` prints the
 * state the adapter reports in the ACT_ACK detail.
 */
import { Kind, LeaseClass, VmOp, VmState, decodeActAck, encodeOp, nameOf } from '../../shared/model';
import { type CliCommand, UsageError, parseArgs } from '../command';
import { CONNECT_OPTIONS, CONNECT_USAGE, checkAck, openSession, vmOption, withLease } from './session';

const OPS: Readonly<Record<string, { op: number; destructive: boolean }>> = {
  status: { op: VmOp.QUERY, destructive: false },
  pause: { op: VmOp.STOP, destructive: false },
  resume: { op: VmOp.CONT, destructive: false },
  reset: { op: VmOp.RESET, destructive: true },
  powerdown: { op: VmOp.POWERDOWN, destructive: true },
  quit: { op: VmOp.QUIT, destructive: true },
};

export const vmCommand: CliCommand = {
  name: 'vm',
  summary: 'VM status and control: status, pause, resume, reset, powerdown, quit',
  usage: `vmsig vm status|pause|resume|reset|powerdown|quit --vm N ${CONNECT_USAGE}\n  reset, powerdown and quit take the POWER lease for their duration`,
  async run(args, io) {
    const p = parseArgs(args, [...CONNECT_OPTIONS, 'vm']);
    const [action, extra] = p.positionals;
    const spec = action !== undefined && Object.hasOwn(OPS, action) ? OPS[action]! : undefined;
    if (!spec)
      throw new UsageError(
        `first argument must be one of ${Object.keys(OPS).join(', ')}, got "${action ?? ''}"`,
      );
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const vm = vmOption(p);
    const client = await openSession(p, 'vm');
    const send = async (): Promise<number> => {
      const r = await client.request({ kind: Kind.CMD_VM, endpoint: vm, inln: encodeOp({ op: spec.op }) });
      const status = checkAck(io, `vm ${action} on VM ${vm}`, r);
      if (status === 0)
        io.out(
          spec.op === VmOp.QUERY
            ? `VM ${vm}: ${nameOf(VmState, decodeActAck(r.inln).detail)}`
            : `VM ${vm}: ${action} done`,
        );
      return status;
    };
    try {
      return spec.destructive ? await withLease(client, io, vm, LeaseClass.POWER, send) : await send();
    } finally {
      await client.close();
    }
  },
};
