/*
 * A socket client run as a child process by the held-key tests: it takes the INPUT lease on
 * a VM, presses the given evdev keys, prints "HOLDING" and waits to be killed (kill -9), so
 * the keys stay held by a control that is gone. Usage: key-holder.ts SOCKET VM CODE...
 * (token in $VMSIG_TOKEN).
 */
import { Kind, encodeInput, encodeLeaseReq, LeaseClass, InputKind } from '../../src/shared/model';
import { WireClient } from '../../src/main/wire';

const [socket, vmArg, ...codes] = process.argv.slice(2);
const vm = Number(vmArg);
const client = await WireClient.connect(socket!);
await client.hello(process.env.VMSIG_TOKEN ?? '', 'key-holder');
const lease = await client.request({
  kind: Kind.CMD_ACQUIRE,
  endpoint: vm,
  inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }),
});
if (lease.kind !== Kind.LEASE_GRANTED) {
  console.log(`DENIED ${lease.kind}`);
  process.exit(1);
}
for (const code of codes) {
  const r = await client.request({
    kind: Kind.CMD_INPUT,
    endpoint: vm,
    inln: encodeInput({ kind: InputKind.KEY, code: Number(code), value: 1, scroll: 0 }),
  });
  if (r.kind !== Kind.ACT_ACK) process.exit(1);
}
console.log('HOLDING');
// Report a revocation, then stay: the test kills us.
client.onEvent((ev) => {
  if (ev.kind === Kind.LEASE_REVOKED) console.log('REVOKED');
});
setInterval(() => {}, 60_000);
