// The QMP client against real QEMU running the test guest: handshake, replies, events
// interleaved with replies, the 8-in-flight queue, the one-client-at-a-time socket, and
// quit racing the socket close. Faults QEMU will not produce are unit-tested on a fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/shared/model/constants';
import { QmpClient, type QmpEvent } from '../../src/main/adapters/qmp';
import {
  GUEST_POWERDOWN,
  GUEST_PTR,
  bootTestVm,
  ensureGuest,
  leftovers,
  type TestVm,
} from '../helpers/guest';
import { keysFor } from '../helpers/keys';

const guest = ensureGuest();

describe.skipIf(!guest.ok)('QMP client (real QEMU)', () => {
  let vm: TestVm;
  let client: QmpClient;
  const events: QmpEvent[] = [];

  beforeAll(async () => {
    vm = await bootTestVm({ spec: { id: 3, name: 'qmp-test' } });
    console.info(`[qmp] boot to marker ${vm.bootMs} ms (${vm.handle.accel})`);
    client = new QmpClient({ path: vm.handle.paths.qmp, commandTimeoutMs: 10_000 });
    client.onEvent('*', (ev) => events.push(ev));
    const t = Date.now();
    await client.connect();
    console.info(`[qmp] connect + capabilities ${Date.now() - t} ms`);
  });

  afterAll(async () => {
    await client?.disconnect();
    await vm?.stop();
  });

  it('reads the greeting and negotiates capabilities before running', () => {
    expect(client.state).toBe('running');
    expect(client.greeting?.QMP.version.qemu.major).toBeGreaterThanOrEqual(7);
  });

  it('query-status answers with the running state', async () => {
    await expect(client.execute('query-status')).resolves.toMatchObject({ running: true, status: 'running' });
  });

  it('an unknown command rejects with QEMU error class CommandNotFound', async () => {
    await expect(client.execute('no-such-command')).rejects.toMatchObject({
      kind: 'command',
      code: ErrorCode.KIND,
      qmpClass: 'CommandNotFound',
    });
  });

  it('STOP and RESUME events arrive on their own channel, interleaved with ordered replies', async () => {
    const from = events.length;
    const [, paused, , running] = await Promise.all([
      client.execute('stop'),
      client.execute<{ status: string }>('query-status'),
      client.execute('cont'),
      client.execute<{ status: string }>('query-status'),
    ]);
    expect(paused.status).toBe('paused');
    expect(running.status).toBe('running');
    const deadline = Date.now() + 5000;
    while (!events.slice(from).some((e) => e.event === 'RESUME') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(events.slice(from).map((e) => e.event)).toEqual(['STOP', 'RESUME']);
  });

  it('keeps at most 8 commands in flight, queues the rest in order, and loses none', async () => {
    const marker = 'QUEUED8OK';
    const since = vm.handle.serial.size();
    // One key per input-send-event/send-key command: 27 keystrokes go through the queue.
    const all = keysFor(`echo ${marker} > /dev/ttyS0\n`).map((args) => client.execute('send-key', args));
    expect(all.length).toBeGreaterThan(8);
    expect(client.load.inFlight).toBeLessThanOrEqual(8);
    expect(client.load.queued).toBe(all.length - client.load.inFlight);
    await Promise.all(all);
    expect(client.load).toEqual({ inFlight: 0, queued: 0 });
    // The guest echoes the marker only if every key arrived, in order.
    await vm.waitForSerial(new RegExp(`^${marker}`), { since, timeoutMs: 15_000 });
  });

  it('an absolute pointer move reaches the guest (virtio tablet)', async () => {
    const since = vm.handle.serial.size();
    await client.execute('input-send-event', {
      events: [
        { type: 'abs', data: { axis: 'x', value: 12345 } },
        { type: 'abs', data: { axis: 'y', value: 23456 } },
      ],
    });
    await vm.waitForSerial(new RegExp(`^${GUEST_PTR} \\S+ 3 0 12345`), { since, timeoutMs: 10_000 });
    await vm.waitForSerial(new RegExp(`^${GUEST_PTR} \\S+ 3 1 23456`), { since, timeoutMs: 10_000 });
  });

  it('a second client gets no greeting while the first is connected', async () => {
    const second = new QmpClient({ path: vm.handle.paths.qmp, connectTimeoutMs: 500 });
    await expect(second.connect()).rejects.toMatchObject({ kind: 'timeout', code: ErrorCode.TIMEOUT });
    expect(second.state).toBe('idle');
    await expect(client.execute('query-status')).resolves.toMatchObject({ running: true });
  });

  it('system_powerdown reaches the guest power button and it shuts down', async () => {
    const since = vm.handle.serial.size();
    const shutdown = client.waitForEvent('SHUTDOWN', 20_000);
    await client.execute('system_powerdown');
    await vm.waitForSerial(GUEST_POWERDOWN, { since, timeoutMs: 20_000 });
    expect((await shutdown).data).toMatchObject({ guest: true });
    // -no-shutdown keeps QEMU alive after the guest powered off.
    await expect(client.execute('query-status')).resolves.toMatchObject({ status: 'shutdown' });
  });

  it('quit resolves even though QEMU closes the socket, and the VM exits', async () => {
    const t = Date.now();
    await client.quit();
    const exit = await vm.handle.exited;
    console.info(`[qmp] quit to exit ${Date.now() - t} ms`);
    expect(exit.code).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(client.state).toBe('idle');
    expect(client.reconnecting).toBe(false);
    await vm.stop();
    expect(leftovers(vm.runtimeDir)).toEqual([]);
  });
});
