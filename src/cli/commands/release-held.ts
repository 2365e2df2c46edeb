/*
 * What every CLI control does when it takes the INPUT lease: ask the core what the VM holds
 * down (CMD_QUERY_INPUT → INPUT_HELD) and release it before its own input, so keys left
 * by a killed or preempted holder never modify ours. The releases are our CMD_INPUT events.
 */
import { InputKind, Kind, decodeInputHeld, encodeInput, nameOf } from '../../shared/model';
import type { WireClient } from '../../main/wire';
import type { CliIo } from '../command';
import { checkAck } from './session';

/**
 * Releases every key and button `vm` holds (we must hold its INPUT lease). Prints what it
 * let go; resolves with the exit status (0 when nothing was refused).
 */
export async function releaseHeld(client: WireClient, io: CliIo, vm: number): Promise<number> {
  const r = await client.request({ kind: Kind.CMD_QUERY_INPUT, endpoint: vm });
  if (r.kind !== Kind.INPUT_HELD) return checkAck(io, `held keys on VM ${vm}`, r);
  const { entries } = decodeInputHeld(r.inln);
  for (const e of entries) {
    const ack = await client.request({
      kind: Kind.CMD_INPUT,
      endpoint: vm,
      inln: encodeInput({ kind: e.kind, code: e.code, value: 0, scroll: 0 }),
    });
    const status = checkAck(io, `release of held ${nameOf(InputKind, e.kind)}:${e.code} on VM ${vm}`, ack);
    if (status !== 0) return status;
  }
  if (entries.length)
    io.out(
      `VM ${vm}: released what was held: ${entries.map((e) => `${nameOf(InputKind, e.kind)}:${e.code}`).join(' ')}`,
    );
  return 0;
}
