import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Stand-ins for `electron`: ipcMain records handlers; MessageChannelMain gives two linked ports.
type Listener = (e: { data: unknown; ports: unknown[] }) => void;
class FakePort {
  peer!: FakePort;
  closed = false;
  readonly message: Listener[] = [];
  readonly closeListeners: (() => void)[] = [];
  on(event: string, l: Listener & (() => void)): this {
    (event === 'message' ? this.message : this.closeListeners).push(l);
    return this;
  }
  postMessage(data: unknown): void {
    if (this.closed) return;
    setImmediate(() => this.peer.message.forEach((l) => l({ data, ports: [] })));
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.peer.closed = true;
    this.peer.closeListeners.forEach((l) => l());
  }
  start(): void {}
}
const handlers = new Map<string, (event: unknown, request: unknown) => unknown>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, request: unknown) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  MessageChannelMain: class {
    port1 = new FakePort();
    port2 = new FakePort();
    constructor() {
      this.port1.peer = this.port2;
      this.port2.peer = this.port1;
    }
  },
}));

import { Cap, ErrorCode } from '../../shared/model';
import { HostErrorCode } from '../../shared/ipc';
import { Core, ManualClock, maskOf } from '../core';
import { DisplayService } from '../host/display';
import { type FakeVnc, startFakeVnc } from '../../../test/helpers/fake-vnc-server';
import { until } from '../../../test/helpers/until';
import { bindDisplayIpc, portViewer } from './display-ports';

const rendererDir = '/opt/vmsig/out/renderer';
const appFrame = { url: 'file:///opt/vmsig/out/renderer/index.html', parent: null };

let vnc: FakeVnc;
let unbind: () => void;
let display: DisplayService;

function start(caps: number): void {
  const core = new Core({ clock: new ManualClock(1) });
  core.addEndpoint(1, 'demo');
  const id = core.attachControl(
    { name: 'operator', principal: 1, caps, grant: maskOf([1]), leasePrio: 1 },
    { wake() {}, closed() {} },
  );
  display = new DisplayService(
    { core, vms: () => [{ id: 1, name: 'demo', vnc: { kind: 'unix', path: vnc.path } }] },
    () => id,
    { log: () => {} },
  );
  unbind = bindDisplayIpc(display, rendererDir);
}

beforeEach(async () => {
  vnc = await startFakeVnc();
});
afterEach(async () => {
  unbind();
  display.closeAll();
  await vnc.close();
});

/** Invokes display.open as the page would, returning the result and the port main handed over. */
async function open(frame: unknown, request: unknown) {
  const posted: { channel: string; msg: unknown; ports: FakePort[] }[] = [];
  const sender = {
    postMessage: (channel: string, msg: unknown, ports: FakePort[]) => posted.push({ channel, msg, ports }),
  };
  const result = await handlers.get('vmsig:display.open')!({ senderFrame: frame, sender }, request);
  return { result, posted };
}

describe('Electron display ports', () => {
  it('hands the console page a port on which the relay speaks RFB, with the nonce it chose', async () => {
    start(Cap.OBSERVE);
    const { result, posted } = await open(appFrame, { endpoint: 1, nonce: 'abcdefgh-1' });
    expect(result).toEqual({ ok: true, value: { pointer: 'unknown' } });
    expect(posted).toHaveLength(1);
    expect(posted[0]!.channel).toBe('vmsig:display.port');
    expect(posted[0]!.msg).toEqual({ nonce: 'abcdefgh-1' });
    const page = posted[0]!.ports[0]!;
    const got: Buffer[] = [];
    page.on('message', ((e: { data: unknown }) => {
      if (ArrayBuffer.isView(e.data)) got.push(Buffer.from(e.data as Uint8Array));
    }) as never);
    await until(() => Buffer.concat(got).toString('latin1') === 'RFB 003.008\n');
    // A key event after the handshake closes the relay like on the WebSocket.
    page.postMessage(new TextEncoder().encode('RFB 003.008\n').buffer);
    page.postMessage(new Uint8Array([1]).buffer);
    page.postMessage(new Uint8Array([1]).buffer);
    await until(() => Buffer.concat(got).length >= 12 + 2 + 4 + 28);
    page.postMessage(new Uint8Array([4, 1, 0, 0, 0, 0, 0, 0x61]).buffer);
    await until(() => page.closed);
    expect(vnc.received[0]!.length).toBe(0);
  });

  it('refuses other frames, bad arguments, and a console without OBSERVE', async () => {
    start(Cap.INPUT);
    expect(
      (await open({ url: 'https://evil.example/', parent: null }, { endpoint: 1, nonce: 'abcdefgh' })).result,
    ).toMatchObject({
      ok: false,
      error: { code: HostErrorCode.FORBIDDEN },
    });
    expect((await open(appFrame, { endpoint: 99, nonce: 'abcdefgh' })).result).toMatchObject({
      error: { code: ErrorCode.INVAL },
    });
    expect((await open(appFrame, { endpoint: 1, nonce: '<x>' })).result).toMatchObject({
      error: { code: ErrorCode.INVAL },
    });
    const denied = await open(appFrame, { endpoint: 1, nonce: 'abcdefgh' });
    expect(denied.result).toMatchObject({ error: { code: ErrorCode.PERM } });
    expect(denied.posted).toEqual([]);
    expect(vnc.connections()).toBe(0);
  });

  it('counts unacknowledged bytes as the backlog and ignores acknowledgements beyond what was sent', async () => {
    const { port1, port2 } = (() => {
      const a = new FakePort();
      const b = new FakePort();
      a.peer = b;
      b.peer = a;
      return { port1: a, port2: b };
    })();
    const v = portViewer(port1 as never);
    v.send(new Uint8Array(1000));
    expect(v.bufferedAmount).toBe(1000);
    port2.postMessage({ t: 'ack', bytes: 5000 });
    await new Promise((r) => setImmediate(r));
    expect(v.bufferedAmount).toBe(1000);
    port2.postMessage({ t: 'ack', bytes: 600 });
    await new Promise((r) => setImmediate(r));
    expect(v.bufferedAmount).toBe(400);
  });
});
