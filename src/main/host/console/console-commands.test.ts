// The console's commands against a real core and an INPUT seam that acks: replies are
// matched by corr, refusals come back as the core's codes, and nothing waits forever.
import { describe, expect, it } from 'vitest';
import {
  Cap,
  Dir,
  ErrorCode,
  Kind,
  Prio,
  Source,
  VmOp,
  VmsigError,
  encodeOp,
  makeEvent,
} from '../../../shared/model';
import { Core, ManualClock, maskOf } from '../../core';
import { ackingAdapter } from '../../../../test/helpers/acking-adapter';
import { ConsoleCommands } from './console-commands';
import { leaseEvent, queryInputEvent } from './command-events';

/** A core with VM 1's INPUT seam up and a console control holding OBSERVE and INPUT on VMs 1 and 2. */
function rig(replyTimeoutMs = 5000) {
  const core = new Core({ clock: new ManualClock(1_000_000) });
  core.addEndpoint(1, 'demo');
  const reached: number[] = [];
  ackingAdapter(core, Source.INPUT, 1, Prio.HIGH, (cmd) => reached.push(cmd.kind));
  let id = 0;
  // Replies are handed over when the console drains, as the service does after a submit.
  const drain = () => core.drain(id, (ev) => (ev.origin === id && commands.offer(ev), true));
  const commands = new ConsoleCommands(
    core,
    () => id,
    () => setImmediate(drain),
    replyTimeoutMs,
  );
  id = core.attachControl(
    {
      name: 'console',
      principal: 1,
      caps: Cap.OBSERVE | Cap.INPUT,
      grant: maskOf([1, 2]),
      leasePrio: 10,
      inProcess: true,
    },
    { wake: () => {}, closed: () => {} },
  );
  return { core, commands, reached };
}

describe('ConsoleCommands', () => {
  it('answers a command with the reply the core addressed to it, decoded for the UI', async () => {
    const { commands, reached } = rig();
    const grant = await commands.command((corr) => leaseEvent(Kind.CMD_ACQUIRE, 1, 'INPUT', corr));
    expect(grant).toMatchObject({ kind: 'LEASE_GRANTED', ok: true, err: '' });
    const ack = await commands.command((corr) => queryInputEvent(1, corr));
    expect(ack).toMatchObject({ kind: 'ACT_ACK', ok: true, err: '' });
    expect(reached).toEqual([Kind.CMD_QUERY_INPUT]);
  });

  it('answers a lease it may not take with LEASE_DENIED and its reason', async () => {
    const { commands } = rig();
    const denied = await commands.command((corr) => leaseEvent(Kind.CMD_ACQUIRE, 1, 'POWER', corr));
    expect(denied).toMatchObject({ kind: 'LEASE_DENIED', ok: false, err: 'NOCAP' });
  });

  it('answers a command the gate refuses with the ACT_ACK naming why', async () => {
    const { commands, reached } = rig();
    const refused = await commands.command((corr) =>
      makeEvent({ kind: Kind.CMD_VM, dir: Dir.DOWN, endpoint: 1, corr, inln: encodeOp({ op: VmOp.QUERY }) }),
    );
    expect(refused).toMatchObject({ kind: 'ACT_ACK', ok: false, err: 'PERM' });
    expect(reached).toEqual([]);
  });

  it('throws the code of an event the core will not answer at all', async () => {
    const { commands } = rig();
    const out = commands.command((corr) =>
      makeEvent({ kind: Kind.VM_LIFECYCLE, dir: Dir.UP, endpoint: 1, corr }),
    );
    await expect(out).rejects.toBeInstanceOf(VmsigError);
    await expect(out).rejects.toMatchObject({ code: ErrorCode.KIND });
  });

  it("sends input at rate and answers with the core's verdict: LEASE without the lease, accepted with it", async () => {
    const { commands, reached } = rig();
    const key = { endpoint: 1, type: 'key', code: 30, down: true } as const;
    expect(commands.sendInput(key)).toEqual({ accepted: false, err: 'LEASE' });
    await commands.command((corr) => leaseEvent(Kind.CMD_ACQUIRE, 1, 'INPUT', corr));
    expect(commands.sendInput(key)).toEqual({ accepted: true, err: '' });
    expect(reached).toEqual([Kind.CMD_INPUT]);
  });

  it('rejects a waiting command with SHUTDOWN on close', async () => {
    const { core, commands } = rig();
    // An INPUT seam that never answers: the query stays waiting until close().
    core.addEndpoint(2, 'mute');
    core.registerAdapter({
      source: Source.INPUT,
      endpoint: 2,
      defaultPrio: Prio.HIGH,
      codec: 0,
      handle: () => {},
    });
    const waiting = commands.command((corr) => queryInputEvent(2, corr));
    expect(waiting).toBeInstanceOf(Promise);
    commands.close();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCode.SHUTDOWN });
  });
});
