/*
 * `vmsig cursor x y [--hidden] --vm N`: reports a cursor position as a sensor (UP
 * CURSOR_STATE, source FRAME; needs the SENSOR capability). A sensor report has no ACT_ACK:
 * success is the absence of a refusal, checked with a PING round trip after sending.
 */
import { Dir, ErrorCode, Kind, Source, decodeErrorInl, encodeCursor, nameOf } from '../../shared/model';
import { type CliCommand, UsageError, intArg, parseArgs } from '../command';
import { CONNECT_OPTIONS, CONNECT_USAGE, openSession, vmOption } from './session';

export const cursorCommand: CliCommand = {
  name: 'cursor',
  summary: 'report a cursor position as a sensor (SENSOR capability)',
  usage: `vmsig cursor <x> <y> [--hidden] --vm N ${CONNECT_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, [...CONNECT_OPTIONS, 'vm'], ['hidden']);
    if (p.positionals.length !== 2) throw new UsageError('cursor takes x and y');
    const x = intArg(p.positionals[0], 'x', -(2 ** 31), 2 ** 31 - 1);
    const y = intArg(p.positionals[1], 'y', -(2 ** 31), 2 ** 31 - 1);
    const vm = vmOption(p);
    const client = await openSession(p, 'cursor');
    try {
      let refusal: string | null = null;
      client.onErrorFrame((e) => (refusal = nameOf(ErrorCode, e.code)));
      const corr = Date.now() & 0x7fffffff || 1;
      client.onEvent((ev) => {
        if (ev.kind === Kind.ERROR && ev.corr === corr)
          refusal = nameOf(ErrorCode, decodeErrorInl(ev.inln).code);
      });
      client.send({
        kind: Kind.CURSOR_STATE,
        dir: Dir.UP,
        source: Source.FRAME,
        endpoint: vm,
        corr,
        inln: encodeCursor({ x, y, visible: p.options.has('hidden') ? 0 : 1, seq: 0 }),
      });
      // The server handles frames in order: once the PONG is back, any refusal has arrived.
      await client.ping();
      if (refusal) {
        io.err(`cursor on VM ${vm}: refused: ${refusal}`);
        return 1;
      }
      io.out(`VM ${vm}: cursor ${x},${y}${p.options.has('hidden') ? ' (hidden)' : ''} reported`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
