/*
 * A sensor on a test host: the robot control (SENSOR capability) reports cursor positions
 * over the real control socket, as a frame-analysis tool would, in one burst — the
 * high-rate kind the journal samples. Connects, sends, waits for the server to have read
 * everything (PING), and disconnects.
 */
import { Dir, Kind, Source, encodeCursor } from '../../src/shared/model';
import { WireClient } from '../../src/main/wire';
import { ROBOT_TOKEN, type RunningHost } from './host';

/** Reports `count` cursor positions on VM `vm` as fast as the socket takes them; throws if a report was refused. */
export async function cursorBurst(host: Pick<RunningHost, 'socket'>, count: number, vm = 1): Promise<void> {
  const client = await WireClient.connect(host.socket);
  try {
    await client.hello(ROBOT_TOKEN, 'e2e sensor');
    let refused = 0;
    client.onEvent((ev) => {
      if (ev.kind === Kind.ERROR) refused++;
    });
    client.onErrorFrame(() => refused++);
    for (let i = 0; i < count; i++)
      client.send({
        kind: Kind.CURSOR_STATE,
        dir: Dir.UP,
        source: Source.FRAME,
        endpoint: vm,
        inln: encodeCursor({ x: i % 640, y: (i * 7) % 480, visible: 1, seq: i }),
      });
    // Frames are handled in order: once the PONG is back every report was routed (or refused).
    await client.ping();
    if (refused > 0) throw new Error(`${refused} of ${count} cursor reports were refused`);
  } finally {
    await client.close();
  }
}
