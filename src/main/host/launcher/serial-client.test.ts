import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model/constants';
import { until } from '../../../../test/helpers/until';
import { connectSerial } from './serial-client';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-serial-client-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const quiet = (): void => {};

/** A stand-in for QEMU's `-serial unix:PATH,server=on,wait=off`: one listening socket. */
async function serialServer(sock: string): Promise<{ peers: net.Socket[]; server: net.Server }> {
  const peers: net.Socket[] = [];
  const server = net.createServer((p) => peers.push(p));
  await new Promise<void>((r) => server.listen(sock, r));
  return { peers, server };
}

describe('an attached VM serial reader', () => {
  it('appends what QEMU serves to the capped log, reconnects after QEMU went away, and removes its files on close', async () => {
    const sock = path.join(dir, 'a.sock');
    const logFile = path.join(dir, 'run', 'vm3.serial');
    let qemu = await serialServer(sock);
    const client = await connectSerial({ kind: 'unix', path: sock }, logFile, {
      log: quiet,
      at: 'vms[0].serial',
    });
    await until(() => qemu.peers.length === 1, 2000, 'the connection');
    qemu.peers[0]!.write('login: ');
    await until(() => client.log.text() === 'login: ', 2000, 'the first bytes');
    // QEMU restarts: its server goes away and comes back on the same path.
    qemu.peers[0]!.destroy();
    await new Promise<void>((r) => qemu.server.close(() => r()));
    qemu = await serialServer(sock);
    await until(() => qemu.peers.length === 1, 5000, 'the reconnection');
    qemu.peers[0]!.write('again\n');
    await until(() => client.log.text() === 'login: again\n', 2000, 'bytes after the reconnection');
    await client.close();
    expect(fs.existsSync(logFile)).toBe(false);
    await new Promise<void>((r) => qemu.server.close(() => r()));
  });

  it('refuses a missing socket (NOENT) and a refused port (IO), naming the field and the address', async () => {
    const missing = path.join(dir, 'nothing.sock');
    await expect(
      connectSerial({ kind: 'unix', path: missing }, path.join(dir, 'x.serial'), {
        log: quiet,
        at: 'vms[2].serial',
      }),
    ).rejects.toMatchObject({
      code: ErrorCode.NOENT,
      message: expect.stringContaining(
        `vms[2].serial: cannot read the serial port at unix:${missing}: ENOENT`,
      ),
    });
    // A port nobody listens on: take a free one and close it again.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(
      connectSerial({ kind: 'tcp', host: '127.0.0.1', port }, path.join(dir, 'y.serial'), {
        log: quiet,
        at: 'vms[2].serial',
      }),
    ).rejects.toMatchObject({
      code: ErrorCode.IO,
      message: expect.stringContaining(`127.0.0.1:${port}: ECONNREFUSED`),
    });
  });
});
