/*
 * Opens a VM's VNC server as an RFB client: connects (Unix socket or TCP), agrees on RFB
 * 3.8 with security None, sends ClientInit with shared=1 (never exclusive: other viewers
 * stay) and reads ServerInit. It hands back the socket paused, so no byte is lost between
 * the handshake and whoever reads next. It never sends input.
 */
import net from 'node:net';
import { ErrorCode, VmsigError } from '../../../shared/model';
import { ByteQueue } from './byte-queue';
import { SECURITY_NONE } from './rfb-messages';
import { type VncTarget, describeVncTarget } from './vnc-target';

/** A VNC connection past its handshake. */
export interface VncSession {
  /** Paused, with no 'data' listener: attach one and resume. */
  socket: net.Socket;
  /** ServerInit as QEMU sent it (size, pixel format, name): the relay hands it to the viewer. */
  serverInit: Buffer;
  width: number;
  height: number;
  /** Bytes QEMU sent after ServerInit that were already read. */
  leftover: Buffer;
}

/** Largest desktop name we accept in ServerInit. */
const MAX_NAME = 4096;

/**
 * Connects to `target` and completes the client handshake within `timeoutMs` (default 5 s).
 * Rejects with VmsigError: IO (cannot connect, closed), TIMEOUT, PERM (the server wants a
 * password or another security type we do not speak), INVAL (not an RFB server).
 */
export async function openVnc(target: VncTarget, timeoutMs = 5000): Promise<VncSession> {
  const where = describeVncTarget(target);
  const socket =
    target.kind === 'unix' ? net.createConnection({ path: target.path }) : net.createConnection(target);
  const q = new ByteQueue(64 * 1024);
  const onData = (d: Buffer): void => q.push(d);
  const onError = (e: Error): void => q.fail(new VmsigError(ErrorCode.IO, `VNC ${where}: ${e.message}`));
  const onClose = (): void =>
    q.fail(new VmsigError(ErrorCode.IO, `VNC ${where} closed during the handshake`));
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);
  const timer = setTimeout(
    () => q.fail(new VmsigError(ErrorCode.TIMEOUT, `VNC ${where}: no handshake within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    const version = (await q.read(12)).toString('latin1');
    if (!/^RFB 003\.\d{3}\n$/.test(version))
      throw new VmsigError(ErrorCode.INVAL, `VNC ${where} is not an RFB server (${JSON.stringify(version)})`);
    if (version < 'RFB 003.008')
      throw new VmsigError(ErrorCode.INVAL, `VNC ${where} speaks ${version.trim()}, we need 3.8`);
    socket.write('RFB 003.008\n');
    const count = (await q.read(1))[0]!;
    if (count === 0) {
      const len = (await q.read(4)).readUInt32BE(0);
      const why = (await q.read(Math.min(len, 1024))).toString('utf8');
      throw new VmsigError(ErrorCode.IO, `VNC ${where} refused us: ${why}`);
    }
    const types = [...(await q.read(count))];
    if (!types.includes(SECURITY_NONE))
      throw new VmsigError(
        ErrorCode.PERM,
        `VNC ${where} wants security types [${types.join(', ')}]; the relay speaks only None (use a private socket instead of a password)`,
      );
    socket.write(Buffer.of(SECURITY_NONE));
    if ((await q.read(4)).readUInt32BE(0) !== 0)
      throw new VmsigError(ErrorCode.PERM, `VNC ${where} refused security None`);
    socket.write(Buffer.of(1)); // ClientInit: shared=1, whatever the viewer asked
    const head = await q.read(24);
    const nameLen = head.readUInt32BE(20);
    if (nameLen > MAX_NAME)
      throw new VmsigError(ErrorCode.INVAL, `VNC ${where}: desktop name of ${nameLen} bytes`);
    const name = await q.read(nameLen);
    socket.pause();
    const leftover = q.take();
    return {
      socket,
      serverInit: Buffer.concat([head, name]),
      width: head.readUInt16BE(0),
      height: head.readUInt16BE(2),
      leftover,
    };
  } catch (e) {
    socket.destroy();
    throw e;
  } finally {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('close', onClose);
  }
}
