/*
 * `vmsig memwrite <gva> <hex> --vm N`: one atomic guest-memory write (CMD_MEMWRITE) under
 * the MEMWRITE lease, taken for the command's duration: up to 32 bytes inline, up to
 * 65536 in the frame's payload (protocol §9).
 */
import {
  Codec,
  Kind,
  LeaseClass,
  MEMWRITE_INLINE,
  MEMWRITE_MAX,
  MemWriteFlag,
  PayloadFlag,
  encodeMemWrite,
} from '../../shared/model';
import { type CliCommand, UsageError, parseArgs } from '../command';
import { CONNECT_OPTIONS, CONNECT_USAGE, checkAck, openSession, vmOption, withLease } from './session';

/** Parses the guest virtual address (hex with 0x, or decimal) as a u64. */
export function parseGva(v: string | undefined): bigint {
  if (v === undefined || !/^(0x[0-9a-f]+|[0-9]+)$/i.test(v))
    throw new UsageError(`gva must be a hex (0x...) or decimal address, got "${v ?? ''}"`);
  const n = BigInt(v);
  if (n >= 1n << 64n) throw new UsageError(`gva ${v} does not fit 64 bits`);
  return n;
}

/** Parses the data as hex pairs (spaces and colons allowed), 1..65536 bytes. */
export function parseHexData(v: string | undefined): Uint8Array {
  const hex = (v ?? '').replace(/[\s:]/g, '').replace(/^0x/i, '');
  if (hex === '' || hex.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(hex))
    throw new UsageError('data must be an even number of hex digits, e.g. 90c3');
  if (hex.length / 2 > MEMWRITE_MAX)
    throw new UsageError(`data is ${hex.length / 2} bytes, at most ${MEMWRITE_MAX}`);
  return Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16));
}

export const memwriteCommand: CliCommand = {
  name: 'memwrite',
  summary: 'write bytes into guest memory at a virtual address (takes the MEMWRITE lease)',
  usage: `vmsig memwrite <gva> <hex-bytes> --vm N ${CONNECT_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, [...CONNECT_OPTIONS, 'vm']);
    if (p.positionals.length !== 2)
      throw new UsageError('memwrite takes a guest virtual address and hex data');
    const gva = parseGva(p.positionals[0]);
    const data = parseHexData(p.positionals[1]);
    const vm = vmOption(p);
    const inline = data.length <= MEMWRITE_INLINE;
    const ev = {
      kind: Kind.CMD_MEMWRITE,
      endpoint: vm,
      inln: encodeMemWrite({
        gva,
        len: data.length,
        flags: inline ? MemWriteFlag.SRC_INLINE : MemWriteFlag.SRC_PAYLOAD,
        inlineData: inline ? data : new Uint8Array(0),
      }),
      payload: inline ? null : { bytes: data, codec: Codec.MEMCTX, flags: PayloadFlag.OWNED },
    };
    const client = await openSession(p, 'memwrite');
    try {
      return await withLease(client, io, vm, LeaseClass.MEMWRITE, async () => {
        const status = checkAck(io, `memwrite on VM ${vm}`, await client.request(ev));
        if (status === 0) io.out(`VM ${vm}: wrote ${data.length} bytes at 0x${gva.toString(16)}`);
        return status;
      });
    } finally {
      await client.close();
    }
  },
};
