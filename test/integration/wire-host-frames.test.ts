/*
 * Host request frames (§10, docs/protocol-host-frames.md) over a real control socket, in
 * hand-built bytes: replies as the connection's own control, refusals named, bad bodies
 * answered without crashing or closing (INVAL, KIND) or closed when the frame itself is bad
 * (BAD_FRAME, TOO_LARGE, HELLO_REQUIRED); types 18–31 stay unknown; a v1 client sees nothing new.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostVm } from '../../src/main/host/console';
import { HostOps } from '../../src/main/host/host-ops';
import { hostRequestHandler } from '../../src/main/host/host-requests';
import { FrameType, WireClient } from '../../src/main/wire';
import { ErrorCode, Kind, VmOp, decodeActAck, encodeOp } from '../../src/shared/model';
import {
  type Harness,
  RawPeer,
  TOKENS,
  errorCode,
  frameBytes,
  helloBytes,
  startHarness,
} from '../helpers/wire-harness';
import { recordingTargets } from '../helpers/host-op-targets';

const reached: string[] = [];
let h: Harness;
let plain: Harness;

beforeAll(async () => {
  h = await startHarness({
    hostRequests: (core) =>
      hostRequestHandler({
        core,
        vms: () => [
          // Host paths (serial log, VNC socket) must never leave the host over the socket.
          {
            ...{ id: 1, name: 'vm-one', kind: 'managed', state: 'running', error: null },
            ...{ serialPath: '/run/s1', vnc: { kind: 'unix', path: '/run/x/vm1.vnc' } },
            // Fields the host may add later are not shown until named as public.
            ...{ qmpPath: '/run/x/vm1.qmp', pid: 4242, runtimeDir: '/run/x' },
          } as HostVm,
          {
            ...{ id: 2, name: 'vm-two', kind: 'attached', state: 'attached', error: null },
            ...{ serialPath: null, vnc: null },
          } as HostVm,
        ],
        ops: new HostOps({
          core,
          journal: () => null,
          nowNs: () => 0,
          log: () => {},
          targets: recordingTargets(reached),
        }),
      }),
  });
  plain = await startHarness();
});
afterAll(async () => {
  await h?.stop();
  await plain?.stop();
});

/** A HOST_REQUEST body built by hand: u32 id, then the given JSON text. */
function requestBytes(id: number, json: string): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(id, 0);
  return frameBytes(16, Buffer.concat([b, Buffer.from(json)]));
}

async function opened(socket: string, token: string = TOKENS.op): Promise<RawPeer> {
  const p = await RawPeer.connect(socket);
  p.send(frameBytes(FrameType.HELLO, helloBytes(token)));
  await p.waitFrame((f) => f.type === FrameType.WELCOME);
  return p;
}

async function reply(p: RawPeer, id: number): Promise<Record<string, unknown>> {
  const f = await p.waitFrame((x) => x.type === 17 && Buffer.from(x.body).readUInt32LE(0) === id);
  return JSON.parse(Buffer.from(f.body).subarray(4).toString('utf8')) as Record<string, unknown>;
}

async function closedWith(p: RawPeer): Promise<number> {
  const f = await p.waitFrame((x) => x.type === FrameType.ERROR);
  expect(await p.closesWithin(3000)).toBe(true);
  return errorCode(f);
}

describe('host request frames', () => {
  it('vms answers with the VMs in the asking control’s grant, without host paths', async () => {
    const op = await opened(h.socket, TOKENS.op);
    op.send(requestBytes(7, '{"op":"vms"}'));
    expect(await reply(op, 7)).toEqual({
      ok: true,
      result: {
        vms: [
          { id: 1, name: 'vm-one', kind: 'managed', state: 'running', error: null },
          { id: 2, name: 'vm-two', kind: 'attached', state: 'attached', error: null },
        ],
      },
    });
    const robot = await opened(h.socket, TOKENS.robot); // grant: VM 1 only
    robot.send(requestBytes(1, '{"op":"vms","args":{}}'));
    const r = (await reply(robot, 1)) as { result: { vms: { id: number }[] } };
    expect(r.result.vms.map((v) => v.id)).toEqual([1]);
    op.socket.destroy();
    robot.socket.destroy();
  });

  it('start/stop run as the connection’s control: refused PERM without POWER, run with it', async () => {
    reached.length = 0;
    const robot = await opened(h.socket, TOKENS.robot);
    robot.send(requestBytes(1, '{"op":"vm.stop","args":{"vm":1}}'));
    expect(await reply(robot, 1)).toMatchObject({ ok: false, err: 'PERM' });
    expect(reached).toEqual([]);
    const op = await opened(h.socket, TOKENS.op);
    op.send(requestBytes(2, '{"op":"vm.stop","args":{"vm":1}}'));
    expect(await reply(op, 2)).toEqual({ ok: true, result: { vm: 1 } });
    op.send(requestBytes(3, '{"op":"vm.add","args":{"vm":5,"name":"x","qmp":"/run/q"}}'));
    expect(await reply(op, 3)).toEqual({ ok: true, result: { vm: 5 } });
    expect(reached).toEqual(['stop 1', 'add 5']);
    robot.socket.destroy();
    op.socket.destroy();
  });

  it('malformed JSON, bad arguments and unknown ops are answered (INVAL, KIND) and the connection stays usable', async () => {
    const p = await opened(h.socket);
    const answers: [body: string, err: string][] = [
      ['{"op": "vms"', 'INVAL'],
      ['[1,2]', 'INVAL'],
      ['{"op":"vm.start","args":{"vm":"1; rm -rf /"}}', 'INVAL'],
      ['{"op":"vm.start","args":{"vm":1,"as":"root"}}', 'INVAL'],
      ['{"op":"shutdown-host"}', 'KIND'],
      ['\u0000\xff', 'INVAL'],
    ];
    for (const [i, [body, err]] of answers.entries()) {
      p.send(requestBytes(i + 1, body));
      expect(await reply(p, i + 1), body).toMatchObject({ ok: false, err });
    }
    p.send(frameBytes(FrameType.PING, Buffer.alloc(8)));
    await p.waitFrame((f) => f.type === FrameType.PONG);
    expect(await p.closesWithin(100)).toBe(false);
    p.socket.destroy();
  });

  it('a screenshot with no screenshot source is NOT_IMPLEMENTED; outside the grant it is GRANT first', async () => {
    const robot = await opened(h.socket, TOKENS.robot);
    robot.send(requestBytes(1, '{"op":"vm.screenshot","args":{"vm":2}}'));
    expect(await reply(robot, 1)).toMatchObject({ ok: false, err: 'GRANT' });
    robot.send(requestBytes(2, '{"op":"vm.screenshot","args":{"vm":1}}'));
    expect(await reply(robot, 2)).toMatchObject({ ok: false, err: 'NOT_IMPLEMENTED' });
    robot.socket.destroy();
  });

  it('a request over 64 KiB of JSON is TOO_LARGE and closes; a body without an id is BAD_FRAME', async () => {
    const p = await opened(h.socket);
    p.send(requestBytes(1, `{"op":"vms","args":{"pad":"${'x'.repeat(65536)}"}}`));
    expect(await closedWith(p)).toBe(ErrorCode.TOO_LARGE);
    const q = await opened(h.socket);
    q.send(frameBytes(16, Buffer.from([1, 2])));
    expect(await closedWith(q)).toBe(ErrorCode.BAD_FRAME);
  });

  it('before HELLO a host request is HELLO_REQUIRED; a HOST_REPLY from a client is BAD_FRAME', async () => {
    const p = await RawPeer.connect(h.socket);
    p.send(requestBytes(1, '{"op":"vms"}'));
    expect(await closedWith(p)).toBe(ErrorCode.HELLO_REQUIRED);
    const q = await opened(h.socket);
    q.send(frameBytes(17, Buffer.from('\u0001\u0000\u0000\u0000{"ok":true}')));
    expect(await closedWith(q)).toBe(ErrorCode.BAD_FRAME);
  });

  it('types 18..31 stay unknown (BAD_FRAME); a server without host requests treats 16 the same', async () => {
    for (const type of [18, 24, 31]) {
      const p = await opened(h.socket);
      p.send(frameBytes(type, Buffer.alloc(4)));
      expect(await closedWith(p)).toBe(ErrorCode.BAD_FRAME);
    }
    const p = await opened(plain.socket);
    p.send(requestBytes(1, '{"op":"vms"}'));
    expect(await closedWith(p)).toBe(ErrorCode.BAD_FRAME);
  });

  it('a v1 client that never sends host frames sees nothing new: same WELCOME, commands, no extra frames', async () => {
    const c = await WireClient.connect(h.socket);
    const w = await c.hello(TOKENS.op, 'v1');
    expect(w.version).toBe(1);
    const frames: number[] = [];
    c.onErrorFrame(() => frames.push(FrameType.ERROR));
    const r = await c.request({ kind: Kind.CMD_VM, endpoint: 1, inln: encodeOp({ op: VmOp.QUERY }) });
    expect(decodeActAck(r.inln).ok).toBe(1);
    await c.ping();
    expect(frames).toEqual([]);
    await c.close();
    // And the project's client reaches host ops through the same frames.
    const c2 = await WireClient.connect(h.socket);
    await c2.hello(TOKENS.weak, 'v1+host');
    expect(await c2.hostRequest('vm.start', { vm: 1 })).toMatchObject({ ok: false, err: 'PERM' });
    await c2.close();
  });

  it('vmsig vm list against a server without host requests says so and exits 1', async () => {
    const bin = path.resolve(__dirname, '../../bin/vmsig.mjs');
    const r = await new Promise<{ code: number; err: string }>((resolve) =>
      execFile(
        process.execPath,
        [bin, 'vm', 'list', '--socket', plain.socket],
        { env: { ...process.env, VMSIG_TOKEN: TOKENS.op } },
        (e, _out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, err }),
      ),
    );
    expect([r.code, r.err.trim()]).toEqual([
      1,
      'vm list: this server does not answer host requests (BAD_FRAME)',
    ]);
  });
});
