/*
 * Fair turns (issue 10 item 7, protocol §10): socket clients flooding the host cannot get
 * the in-process console disconnected as a slow consumer. The host handles a bounded
 * number of frames per socket turn and pauses reading while the console's queues are
 * above their watermark, and a paused socket's frame deadline does not run. Before, ten
 * sensors writing cursor reports at HIGH overflowed the console's HIGH queue in one turn.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/main/host/console';
import { FrameType } from '../../src/main/wire/frame-header';
import { Dir, ErrorCode, Kind, Prio, Source, encodeCursor } from '../../src/shared/model';
import { standInHost } from '../helpers/stand-in-host';
import { until } from '../helpers/until';
import {
  type Harness,
  RawPeer,
  TOKENS,
  errorCode,
  eventBytes,
  frameBytes,
  helloBytes,
  startHarness,
} from '../helpers/wire-harness';

const SENSORS = 10;
const REPORTS = 6000; // per sensor: 60 000 HIGH events toward a console whose HIGH queue holds 4096

function cursorFrames(first: number, n: number): Buffer {
  return Buffer.concat(
    Array.from({ length: n }, (_, i) =>
      frameBytes(
        FrameType.EVENT,
        eventBytes({
          kind: Kind.CURSOR_STATE,
          source: Source.FRAME,
          dir: Dir.UP,
          prio: Prio.HIGH,
          endpoint: 1,
          inln: encodeCursor({ x: first + i, y: 7, visible: 1, seq: first + i }),
        }),
      ),
    ),
  );
}

async function sensor(socketPath: string): Promise<net.Socket> {
  const s = net.connect(socketPath);
  await new Promise<void>((r) => s.once('connect', () => r()));
  s.on('error', () => {});
  s.resume(); // whatever the host answers is read and dropped
  s.write(frameBytes(FrameType.HELLO, helloBytes(TOKENS.sensor, 'flood')));
  return s;
}

describe('fair turns: sockets flooding the host', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ frameDeadlineMs: 400 });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('the console control stays connected and receives every report while ten sensors flood', async () => {
    const logs: string[] = [];
    const consoleService = new ConsoleService(standInHost({ core: h.core }), {
      log: (level, msg) => logs.push(`${level}: ${msg}`),
    });
    consoleService.start();
    const consoleId = consoleService.id;
    try {
      const sockets = await Promise.all(Array.from({ length: SENSORS }, () => sensor(h.socket)));
      await new Promise((r) => setTimeout(r, 100));
      for (const [k, s] of sockets.entries()) s.write(cursorFrames(k * REPORTS, REPORTS));
      const total = SENSORS * REPORTS;
      // Stops early if the console control went away: the expectations below say so.
      await until(
        () => (h.core.control(consoleId)?.delivered ?? total) >= total,
        60_000,
        'every report delivered to the console',
        50,
      );
      const c = h.core.control(consoleId);
      expect(logs.filter((l) => l.includes('closed the console control'))).toEqual([]);
      expect(c, 'the console control is still attached').toBeDefined();
      expect(c!.droppedTotal).toBe(0);
      expect(c!.delivered).toBeGreaterThanOrEqual(total);
      // The flooders were served too, none closed as a slow consumer.
      expect(h.server.connectionCount).toBe(SENSORS);
      for (const s of sockets) s.destroy();
    } finally {
      consoleService.stop();
    }
  });

  it('a socket paused by the host does not run its frame deadline; an unpaused one still does', async () => {
    const paused = await RawPeer.connect(h.socket);
    paused.send(frameBytes(FrameType.HELLO, helloBytes(TOKENS.op)));
    await paused.waitFrame((f) => f.type === FrameType.WELCOME);
    const ping = frameBytes(FrameType.PING, Buffer.alloc(8, 1));
    h.core.pressure.raise(); // as if the console were above its watermark
    paused.send(ping.subarray(0, 5));
    expect(await paused.closesWithin(900)).toBe(false);
    h.core.pressure.relieve();
    await new Promise((r) => setTimeout(r, 50));
    paused.send(ping.subarray(5));
    await paused.waitFrame((f) => f.type === FrameType.PONG);

    const trickler = await RawPeer.connect(h.socket);
    trickler.send(frameBytes(FrameType.HELLO, helloBytes(TOKENS.op)));
    await trickler.waitFrame((f) => f.type === FrameType.WELCOME);
    trickler.send(ping.subarray(0, 5));
    expect(await trickler.closesWithin(2000)).toBe(true);
    expect(errorCode(trickler.frames.at(-1)!)).toBe(ErrorCode.FRAME_TIMEOUT);
    paused.socket.destroy();
  });
});
