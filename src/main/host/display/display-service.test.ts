import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cap, ErrorCode } from '../../../shared/model';
import { Core, ManualClock, maskOf } from '../../core';
import { type FakeVnc, fakePixel, startFakeVnc } from '../../../../test/helpers/fake-vnc-server';
import { until } from '../../../../test/helpers/until';
import { DisplayService } from './display-service';
import { decodePng } from './png';
import type { ViewerChannel } from './viewer-channel';

/** A scripted viewer: what the relay sent it, what it feeds back, a settable backlog. */
function memoryViewer() {
  let onData: (d: Uint8Array) => void = () => {};
  let onClose: () => void = () => {};
  const v = {
    sent: [] as Buffer[],
    backlog: 0,
    closedWith: null as string | null,
    feed: (bytes: number[] | Buffer) => onData(Buffer.from(bytes)),
    bytes: () => Buffer.concat(v.sent),
    leave: () => onClose(),
    channel: {
      send: (d) => void v.sent.push(Buffer.from(d)),
      get bufferedAmount() {
        return v.backlog;
      },
      close: (why) => void (v.closedWith ??= why),
      onData: (l) => void (onData = l),
      onClose: (l) => void (onClose = l),
    } as ViewerChannel,
  };
  return v;
}

const FBUR = [3, 0, 0, 0, 0, 0, 0, 64, 0, 48];

/** Runs the viewer side of the handshake (asking for an exclusive session, which the relay must not pass on). */
async function handshake(v: ReturnType<typeof memoryViewer>): Promise<void> {
  await until(() => v.bytes().toString('latin1') === 'RFB 003.008\n');
  v.feed(Buffer.from('RFB 003.008\n'));
  await until(() => v.bytes().length >= 14);
  expect([...v.bytes().subarray(12, 14)]).toEqual([1, 1]);
  v.feed([1]);
  await until(() => v.bytes().length >= 18);
  v.feed([0]); // ClientInit shared=0
  await until(() => v.bytes().length >= 18 + 24 + 4);
}

let vnc: FakeVnc;
let core: Core;
let controlId: number;
let display: DisplayService;
let caps: number;
let grant: number[];
let gone = false;

function attach(): void {
  controlId = core.attachControl(
    { name: 'operator', principal: 1, caps, grant: maskOf(grant), leasePrio: 10 },
    { wake() {}, closed() {} },
  );
  display = new DisplayService(
    {
      core,
      vms: () => [
        { id: 1, name: 'demo', vnc: gone ? null : { kind: 'unix', path: vnc.path } },
        { id: 2, name: 'x', vnc: null },
      ],
    },
    () => controlId,
    { log: () => {}, highWater: 1000, lowWater: 100 },
  );
}

beforeEach(async () => {
  vnc = await startFakeVnc();
  core = new Core({ clock: new ManualClock(1) });
  core.addEndpoint(1, 'demo');
  core.addEndpoint(2, 'x');
  caps = Cap.OBSERVE | Cap.INPUT;
  grant = [1, 2];
  gone = false;
  attach();
});
afterEach(async () => {
  display.closeAll();
  await vnc.close();
});

describe('display relay', () => {
  it('answers the handshake itself, opens QEMU shared, and relays framebuffer updates', async () => {
    const v = memoryViewer();
    void display.open(v.channel, 1);
    await handshake(v);
    expect(vnc.sharedFlags).toEqual([1]);
    const init = v.bytes().subarray(18);
    expect([init.readUInt16BE(0), init.readUInt16BE(2)]).toEqual([64, 48]);
    v.feed(FBUR);
    await until(() => v.bytes().length >= 18 + 28 + 16 + 64 * 48 * 4);
    expect([...vnc.received[0]!]).toEqual(FBUR);
    expect(v.closedWith).toBeNull();
  });

  it.each([
    ['KeyEvent', [4, 1, 0, 0, 0, 0, 0, 0x61]],
    ['PointerEvent', [5, 1, 0, 10, 0, 10]],
    ['ClientCutText', [6, 0, 0, 0, 0, 0, 0, 1, 0x61]],
    ['QEMU extended key event', [255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1e]],
    ['unknown client message type 9', [9, 0, 0, 0]],
  ])('closes on %s and forwards none of it', async (name, msg) => {
    const v = memoryViewer();
    void display.open(v.channel, 1);
    await handshake(v);
    v.feed(FBUR);
    await until(() => vnc.received[0]!.length === FBUR.length);
    v.feed([...msg, ...FBUR]);
    await until(() => v.closedWith !== null);
    expect(v.closedWith).toContain(name);
    expect([...vnc.received[0]!]).toEqual(FBUR);
    expect(display.active).toBe(0);
  });

  it('pauses QEMU while the viewer is behind and resumes when it caught up', async () => {
    const v = memoryViewer();
    void display.open(v.channel, 1);
    await handshake(v);
    v.backlog = 10_000;
    v.feed(FBUR);
    await until(() => v.bytes().length > 46);
    const during = v.bytes().length;
    v.feed(FBUR);
    await until(() => vnc.received[0]!.length === 20);
    await new Promise((r) => setTimeout(r, 100));
    expect(v.bytes().length).toBe(during);
    v.backlog = 0;
    await until(() => v.bytes().length >= 46 + 2 * (16 + 64 * 48 * 4));
  });

  it('refuses a viewer when the console lacks OBSERVE, the VM is not granted, or has no display', async () => {
    await expect(display.ticket(2)).rejects.toMatchObject({ code: ErrorCode.NOENT });
    await expect(display.ticket(7)).rejects.toMatchObject({ code: ErrorCode.GRANT });
    core.detachControl(controlId);
    caps = Cap.INPUT;
    attach();
    await expect(display.ticket(1)).rejects.toMatchObject({ code: ErrorCode.PERM });
    const v = memoryViewer();
    await display.open(v.channel, 1);
    expect(v.closedWith).toContain('lacks OBSERVE');
    expect(vnc.connections()).toBe(0);
    await expect(display.screenshot(1)).rejects.toMatchObject({ code: ErrorCode.PERM });
  });

  it('ends a running relay once the VM has no display any more (stopped or removed)', async () => {
    const v = memoryViewer();
    void display.open(v.channel, 1);
    await handshake(v);
    expect(display.active).toBe(1);
    gone = true;
    await until(() => v.closedWith !== null, 3000);
    expect(v.closedWith).toContain('no longer admitted');
    expect(display.active).toBe(0);
  });

  it('takes a screenshot: a PNG of the framebuffer size with its pixels', async () => {
    const png = decodePng(await display.screenshot(1));
    expect([png.width, png.height]).toEqual([64, 48]);
    for (const [x, y] of [
      [0, 0],
      [5, 10],
      [40, 30],
    ] as const)
      expect([...png.rgb.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)]).toEqual(fakePixel(x, y, 64));
  });
});
