/* `vmsig held --vm N`: which keys and buttons the VM holds down (CMD_QUERY_INPUT → INPUT_HELD). */
import { InputKind, Kind, decodeInputHeld, nameOf } from '../../shared/model';
import { type CliCommand, UsageError, parseArgs } from '../command';
import { CONNECT_OPTIONS, CONNECT_USAGE, checkAck, openSession, vmOption } from './session';

export const heldCommand: CliCommand = {
  name: 'held',
  summary: 'list the keys and buttons held down on a VM',
  usage: `vmsig held --vm N ${CONNECT_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, [...CONNECT_OPTIONS, 'vm']);
    if (p.positionals.length) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
    const vm = vmOption(p);
    const client = await openSession(p, 'held');
    try {
      const r = await client.request({ kind: Kind.CMD_QUERY_INPUT, endpoint: vm });
      if (r.kind !== Kind.INPUT_HELD) return checkAck(io, `held on VM ${vm}`, r);
      const h = decodeInputHeld(r.inln);
      const list = h.entries.map((e) => `${nameOf(InputKind, e.kind)}:${e.code}`);
      io.out(
        `VM ${vm}: ${list.length ? list.join(' ') : 'nothing held'}${h.flags & 1 ? ' (truncated)' : ''}`,
      );
      return 0;
    } finally {
      await client.close();
    }
  },
};
