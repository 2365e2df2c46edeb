/*
 * The host end of a VM's serial port: a Unix socket the host listens on before QEMU starts
 * (QEMU connects to it as a client chardev, so no early byte is lost), feeding a SerialLog.
 * It only reads: nothing typed here reaches the guest (input goes through the core's INPUT lease).
 */
import fs from 'node:fs';
import net from 'node:net';
import { SerialLog } from './serial-log';

/** A listening serial socket and the log it feeds. */
export interface SerialSocket {
  readonly socketPath: string;
  readonly log: SerialLog;
  /** Stops listening, drops QEMU's connection, closes the log and removes the socket file. */
  close(): Promise<void>;
}

/** QEMU's arguments to connect its first serial port to `socketPath`. */
export function serialArgs(socketPath: string): string[] {
  return ['-chardev', `socket,id=serial0,path=${socketPath}`, '-serial', 'chardev:serial0'];
}

/**
 * Listens on `socketPath` (mode 0600; a stale file is replaced) and appends whatever QEMU
 * sends to a SerialLog at `logPath`. Rejects when the socket cannot be bound.
 */
export async function openSerialSocket(
  socketPath: string,
  logPath: string,
  capBytes?: number,
): Promise<SerialSocket> {
  const log = new SerialLog(logPath, capBytes);
  const peers = new Set<net.Socket>();
  const server = net.createServer((peer) => {
    peers.add(peer);
    peer.on('data', (chunk: Buffer) => {
      try {
        log.append(chunk);
      } catch {
        // The runtime directory vanished or is full: the guest keeps running, only the log stops.
        peer.pause();
      }
    });
    peer.on('error', () => peer.destroy());
    peer.on('close', () => peers.delete(peer));
  });
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o600);
  let closing: Promise<void> | undefined;
  return {
    socketPath,
    log,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const p of peers) p.destroy();
        server.close(() => resolve());
      }).then(() => {
        log.close();
        fs.rmSync(socketPath, { force: true });
      });
      return closing;
    },
  };
}
