/*
 * `vmsig lease acquire|release|status <class> --vm N`. A lease lives as long as its
 * connection, so `acquire` alone only shows that it can be had; `acquire --hold` keeps it
 * until SIGINT/SIGTERM, printing revocations as they happen. Taking INPUT releases what the
 * VM held (a killed or preempted holder's keys) before anything else is typed.
 */
import {
  Kind,
  LeaseClass,
  type VmsigEvent,
  decodeLeaseReq,
  decodeLeaseStatus,
  nameOf,
} from '../../shared/model';
import { type CliCommand, UsageError, parseArgs } from '../command';
import {
  CONNECT_OPTIONS,
  CONNECT_USAGE,
  acquireLease,
  checkAck,
  encodeLease,
  leaseClassArg,
  openSession,
  releaseLease,
  vmOption,
} from './session';
import { releaseHeld } from './release-held';

export const leaseCommand: CliCommand = {
  name: 'lease',
  summary: 'acquire (--hold), release or query a lease (INPUT, POWER, MEMWRITE)',
  usage: `vmsig lease acquire|release|status <INPUT|POWER|MEMWRITE> --vm N [--hold] ${CONNECT_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, [...CONNECT_OPTIONS, 'vm'], ['hold']);
    const [action, clsArg, extra] = p.positionals;
    if (!['acquire', 'release', 'status'].includes(action ?? ''))
      throw new UsageError(`first argument must be acquire, release or status, got "${action ?? ''}"`);
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const cls = leaseClassArg(clsArg);
    const vm = vmOption(p);
    const hold = p.options.has('hold');
    if (hold && action !== 'acquire') throw new UsageError('--hold goes with acquire');
    const clsName = nameOf(LeaseClass, cls);
    const client = await openSession(p, 'lease');
    try {
      if (action === 'status') {
        const r = await client.request({ kind: Kind.CMD_LEASE_STATUS, endpoint: vm, inln: encodeLease(cls) });
        if (r.kind !== Kind.LEASE_STATUS) return checkAck(io, `${clsName} lease status on VM ${vm}`, r);
        const s = decodeLeaseStatus(r.inln);
        io.out(
          s.busy
            ? `${clsName} lease on VM ${vm}: held by principal ${s.ownerPrincipal}`
            : `${clsName} lease on VM ${vm}: free`,
        );
        return 0;
      }
      if (action === 'release') {
        if (!(await releaseLease(client, io, vm, cls))) return 1;
        io.out(`${clsName} lease on VM ${vm}: released`);
        return 0;
      }
      if (!(await acquireLease(client, io, vm, cls))) return 1;
      if (cls === LeaseClass.INPUT && (await releaseHeld(client, io, vm)) !== 0) return 1;
      io.out(
        `${clsName} lease on VM ${vm}: granted${hold ? ' (holding; Ctrl-C releases it)' : ' (released again on exit: use --hold to keep it)'}`,
      );
      if (!hold) return 0;
      return await holdUntilInterrupted(client, io, vm, cls);
    } finally {
      await client.close();
    }
  },
};

async function holdUntilInterrupted(
  client: Awaited<ReturnType<typeof openSession>>,
  io: { out(l: string): void; err(l: string): void },
  vm: number,
  cls: number,
): Promise<number> {
  return new Promise<number>((resolve) => {
    let revoked = false;
    const onEvent = (ev: VmsigEvent): void => {
      if (ev.kind !== Kind.LEASE_REVOKED || ev.endpoint !== vm) return;
      const r = decodeLeaseReq(ev.inln);
      if (r.cls !== cls) return;
      revoked = true;
      io.out(
        `${nameOf(LeaseClass, cls)} lease on VM ${vm}: REVOKED${r.reason ? ` by principal ${r.reason}` : ''}`,
      );
    };
    const off = client.onEvent(onEvent);
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      off();
      if (revoked) return resolve(1);
      void releaseLease(client, io, vm, cls)
        .catch(() => false)
        .then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void client.closed.then(({ error }) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      off();
      if (error) io.err(`connection closed by the server: ${error.msg}`);
      resolve(error || revoked ? 1 : 0);
    });
  });
}
