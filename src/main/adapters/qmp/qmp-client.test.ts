// Faults real QEMU will not produce on demand, against a scripted fake server. The normal
// protocol (greeting, events, queueing, quit) is tested against real QEMU in
// test/integration/qmp-client.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model/constants';
import { FakeQmpServer } from '../../../../test/helpers/fake-qmp-server';
import { QmpClient, type QmpClientOptions } from './qmp-client';
import { QmpError } from './qmp-errors';
import { until } from '../../../../test/helpers/until';

type Line = { level: string; msg: string };

let fake: FakeQmpServer;
let client: QmpClient | undefined;
let logs: Line[];

function makeClient(options: Partial<QmpClientOptions> = {}): QmpClient {
  client = new QmpClient({ path: fake.path, log: (level, msg) => logs.push({ level, msg }), ...options });
  return client;
}

beforeEach(async () => {
  logs = [];
  fake = await FakeQmpServer.start();
});

afterEach(async () => {
  await client?.disconnect();
  client = undefined;
  await fake.dispose();
});

describe('QmpClient faults', () => {
  it('a garbage line fails the pending command BAD_FRAME, closes, and reconnects cleanly', async () => {
    const c = makeClient({ reconnect: { initialMs: 10, maxMs: 50, factor: 2 } });
    await c.connect();
    const errors: QmpError[] = [];
    c.on('error', (e) => errors.push(e));
    fake.script = (_cmd, conn) => conn.sendLine('{"return": nonsense');
    const failed = c.execute('query-status');
    await expect(failed).rejects.toMatchObject({ kind: 'protocol', code: ErrorCode.BAD_FRAME });
    expect(errors.map((e) => e.code)).toEqual([ErrorCode.BAD_FRAME]);
    await until(() => c.state === 'running' && fake.connections.length === 2);
    fake.script = (cmd, conn) => conn.reply(cmd, { status: 'running' });
    await expect(c.execute('query-status')).resolves.toEqual({ status: 'running' });
  });

  it('a line over the 10 MiB cap fails TOO_LARGE and the connection is replaced', async () => {
    const c = makeClient({ reconnect: { initialMs: 10, maxMs: 50, factor: 2 } });
    await c.connect();
    fake.script = (cmd, conn) =>
      conn.sendLine(JSON.stringify({ return: 'x'.repeat(10 * 1024 * 1024 + 1), id: cmd.id }));
    await expect(c.execute('big')).rejects.toMatchObject({ kind: 'protocol', code: ErrorCode.TOO_LARGE });
    await until(() => c.state === 'running' && fake.connections.length === 2);
  });

  it('a line just under the cap is accepted', async () => {
    const c = makeClient({ maxLineBytes: 4096 });
    await c.connect();
    fake.script = (cmd, conn) => conn.reply(cmd, 'y'.repeat(4000));
    await expect(c.execute('fits')).resolves.toHaveLength(4000);
  });

  it('a reply that never comes rejects TIMEOUT and frees its slot; the late reply is dropped', async () => {
    const c = makeClient({ maxInFlight: 1 });
    await c.connect();
    const silent: { id?: unknown }[] = [];
    fake.script = (cmd, conn) => (cmd.execute === 'hang' ? silent.push(cmd) : conn.reply(cmd, 'ok'));
    const started = Date.now();
    const hung = c.execute('hang', undefined, { timeoutMs: 100 });
    const next = c.execute('after');
    await expect(hung).rejects.toMatchObject({ kind: 'timeout', code: ErrorCode.TIMEOUT });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    await expect(next).resolves.toBe('ok');
    fake.current.sendLine(JSON.stringify({ return: {}, id: silent[0]?.id }));
    await until(() => logs.some((l) => l.msg.includes('late reply')));
    expect(c.state).toBe('running');
  });

  it('the socket closing mid-reply rejects every pending and queued command with a typed error', async () => {
    const c = makeClient({ maxInFlight: 1 });
    await c.connect();
    fake.script = (_cmd, conn) => {
      conn.socket.write('{"return": {"status": "runn');
      setTimeout(() => conn.socket.destroy(), 20);
    };
    const all = [c.execute('a'), c.execute('b'), c.execute('c')];
    expect(c.load).toEqual({ inFlight: 1, queued: 2 });
    const results = await Promise.allSettled(all);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QmpError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({ kind: 'closed', code: ErrorCode.IO });
    }
    expect(c.state).toBe('idle');
    await expect(c.execute('d')).rejects.toMatchObject({ kind: 'state' });
  });

  it('a reply with an unknown id is logged and dropped; the real reply still settles', async () => {
    const c = makeClient();
    await c.connect();
    fake.script = (cmd, conn) => {
      conn.sendLine(JSON.stringify({ return: 'stray', id: 99999 }));
      conn.reply(cmd, 'mine');
    };
    await expect(c.execute('x')).resolves.toBe('mine');
    expect(logs.some((l) => l.level === 'warn' && l.msg.includes('unknown id'))).toBe(true);
  });

  it('reconnects with exponential backoff while the socket is gone', async () => {
    const c = makeClient({ reconnect: { initialMs: 20, maxMs: 200, factor: 2 } });
    await c.connect();
    const states: string[] = [];
    c.on('state', (s) => states.push(s));
    await fake.stop();
    await until(() => logs.filter((l) => l.msg.includes('reconnecting')).length >= 4);
    const delays = logs
      .filter((l) => l.msg.includes('reconnecting'))
      .map((l) => Number(/in (\d+) ms/.exec(l.msg)?.[1]));
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 160]);
    await fake.listen();
    await until(() => c.state === 'running', 5000);
    expect(states.at(-1)).toBe('running');
  });

  it('does not reconnect when reconnect is disabled, nor after disconnect()', async () => {
    const c = makeClient();
    await c.connect();
    fake.current.socket.destroy();
    await until(() => c.state === 'idle');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.reconnecting).toBe(false);
    expect(fake.connections).toHaveLength(1);
  });

  it('a throwing event listener does not stop the other listeners', async () => {
    const c = makeClient();
    await c.connect();
    const seen: string[] = [];
    c.onEvent('STOP', () => {
      throw new Error('boom');
    });
    c.onEvent('STOP', (ev) => seen.push(ev.event));
    fake.current.event('STOP');
    await until(() => seen.length === 1);
    expect(logs.some((l) => l.level === 'error' && l.msg.includes('listener threw'))).toBe(true);
  });

  it('connect() to a missing socket rejects a typed connect error and stays idle', async () => {
    await fake.stop();
    const c = makeClient();
    await expect(c.connect()).rejects.toMatchObject({ kind: 'connect', code: ErrorCode.IO });
    expect(c.state).toBe('idle');
  });

  it('a server that never greets times out the handshake', async () => {
    await fake.stop();
    const net = await import('node:net');
    const mute = net.createServer(() => {});
    await new Promise<void>((r) => mute.listen(fake.path, r));
    const c = makeClient({ connectTimeoutMs: 100 });
    await expect(c.connect()).rejects.toMatchObject({ kind: 'timeout', code: ErrorCode.TIMEOUT });
    mute.close();
  });
});
