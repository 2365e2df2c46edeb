/*
 * Finds free loopback TCP ports for QEMU's VNC display and websocket. A port found free can
 * be taken before QEMU binds it; the launcher retries on "Address already in use", so this
 * module never needs to hold ports open.
 */
import net from 'node:net';
import { ErrorCode } from '../../../shared/model/constants';
import { LauncherError } from './launcher-errors';

/** QEMU's VNC display N listens on TCP port 5900 + N. */
export const VNC_BASE_PORT = 5900;

function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** A TCP port on `host` that was free a moment ago (the kernel's pick); throws LauncherError. */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const port = await tryListen(0, host);
  if (port === undefined)
    throw new LauncherError('start-failed', ErrorCode.BUSY, `no free TCP port on ${host}`);
  return port;
}

/**
 * A VNC display number in [from, to] whose port 5900+N is free on `host`, tried in random
 * order so parallel launchers rarely collide. Throws when none is free.
 */
export async function findFreeVncDisplay(host = '127.0.0.1', from = 10, to = 99): Promise<number> {
  const displays = Array.from({ length: to - from + 1 }, (_, i) => from + i).sort(() => Math.random() - 0.5);
  for (const display of displays) {
    if ((await tryListen(VNC_BASE_PORT + display, host)) !== undefined) return display;
  }
  throw new LauncherError('start-failed', ErrorCode.BUSY, `no free VNC display ${from}..${to} on ${host}`);
}
