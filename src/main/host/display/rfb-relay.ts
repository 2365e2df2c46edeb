/*
 * One viewer's RFB relay to one VM's VNC server. Toward the viewer it is the server: it
 * answers the version and security handshake itself (None; the ticket already proved who
 * it is) and hands on QEMU's ServerInit. Toward QEMU it is a shared, view-only client. After
 * that it forwards only the framebuffer messages rfb-messages.ts allows (SetEncodings without
 * the pseudo-encodings that would invite refused messages) and closes both ends on anything
 * else; QEMU's bytes go to the viewer with backpressure (the VNC socket pauses
 * while the viewer's backlog is high), so nothing buffers without bound.
 */
import type { Log } from '../../core';
import { ByteQueue } from './byte-queue';
import { SECURITY_NONE, classifyClientMessage, stripEncodings, viewerVersion } from './rfb-messages';
import type { ViewerChannel } from './viewer-channel';
import type { VncSession } from './vnc-upstream';

/** Relay tuning; defaults suit a loopback viewer. */
export interface RelayOptions {
  log: Log;
  /** For log lines: "VM 3". */
  label: string;
  /** Pause QEMU's socket above this viewer backlog (default 4 MiB) ... */
  highWater?: number;
  /** ... and resume below this one (default 1 MiB). */
  lowWater?: number;
  /** The viewer must finish its handshake within this time (default 10 s). */
  handshakeMs?: number;
}

/** A running relay. */
export interface RelaySession {
  /** Resolves once both ends are closed, with why. */
  readonly closed: Promise<string>;
  /** Closes both ends. */
  close(reason: string): void;
}

/** Largest viewer backlog of unparsed bytes: a full SetEncodings and a bit. */
const VIEWER_QUEUE_LIMIT = 8 * 1024;
const BACKLOG_POLL_MS = 5;
/** Viewer bytes QEMU has not read yet beyond which the relay gives up on the viewer. */
const MAX_UPSTREAM_BACKLOG = 256 * 1024;

/**
 * Relays `viewer` to the already opened `upstream` (see openVnc). The viewer handshake
 * starts at once; upstream bytes flow only after the viewer got ServerInit.
 */
export function runRelay(viewer: ViewerChannel, upstream: VncSession, opts: RelayOptions): RelaySession {
  const high = opts.highWater ?? 4 * 1024 * 1024;
  const low = opts.lowWater ?? 1024 * 1024;
  const sock = upstream.socket;
  const fromViewer = new ByteQueue(VIEWER_QUEUE_LIMIT);
  let open = true;
  let relaying = false;
  let poll: ReturnType<typeof setInterval> | null = null;
  let resolveClosed: (why: string) => void = () => {};
  const closed = new Promise<string>((r) => (resolveClosed = r));

  const close = (why: string): void => {
    if (!open) return;
    open = false;
    if (poll) clearInterval(poll);
    clearTimeout(handshakeTimer);
    fromViewer.fail(new Error(why));
    sock.destroy();
    viewer.close(why);
    opts.log('info', `display relay ${opts.label}: closed (${why})`);
    resolveClosed(why);
  };

  const handshakeTimer = setTimeout(() => close('viewer handshake timed out'), opts.handshakeMs ?? 10_000);

  viewer.onClose(() => close('viewer went away'));
  viewer.onData((d) => {
    if (!open) return;
    fromViewer.push(d);
    if (relaying) pumpViewer();
  });
  sock.on('error', (e) => close(`VNC socket error: ${e.message}`));
  sock.on('close', () => close('the VM display closed'));

  const toViewer = (d: Uint8Array): void => {
    if (!open) return;
    viewer.send(d);
    if (viewer.bufferedAmount > high && !poll) {
      sock.pause();
      poll = setInterval(() => {
        if (viewer.bufferedAmount > low) return;
        if (poll) clearInterval(poll);
        poll = null;
        if (open) sock.resume();
      }, BACKLOG_POLL_MS);
    }
  };

  /** Forwards every complete allowed message; closes on the first forbidden one. */
  const pumpViewer = (): void => {
    for (;;) {
      const head = fromViewer.peek();
      const v = classifyClientMessage(head);
      if (v.kind === 'incomplete') return;
      if (v.kind === 'forbidden') return close(`viewer sent ${v.name}: the display is view-only`);
      const msg = head.subarray(0, v.length);
      sock.write(v.name === 'SetEncodings' ? stripEncodings(msg) : Buffer.from(msg));
      fromViewer.consume(v.length);
      // Requests QEMU does not read are a flood, not a viewer: bounded, not buffered.
      if (sock.writableLength > MAX_UPSTREAM_BACKLOG) return close('viewer floods the display with requests');
    }
  };

  const handshake = async (): Promise<void> => {
    viewer.send(Buffer.from('RFB 003.008\n', 'latin1'));
    const version = viewerVersion(await fromViewer.read(12));
    if (version === null) return close('viewer does not speak RFB 3.3, 3.7 or 3.8');
    if (version === 3) {
      viewer.send(Buffer.of(0, 0, 0, SECURITY_NONE));
    } else {
      viewer.send(Buffer.of(1, SECURITY_NONE));
      if ((await fromViewer.read(1))[0] !== SECURITY_NONE)
        return close('viewer chose a security type not offered');
      if (version === 8) viewer.send(Buffer.of(0, 0, 0, 0));
    }
    await fromViewer.read(1); // ClientInit: its shared flag is ignored, QEMU got shared=1
    clearTimeout(handshakeTimer);
    if (!open) return;
    viewer.send(upstream.serverInit);
    relaying = true;
    if (upstream.leftover.length) toViewer(upstream.leftover);
    sock.on('data', toViewer);
    sock.resume();
    pumpViewer();
  };
  handshake().catch((e: unknown) =>
    close(`viewer handshake failed: ${e instanceof Error ? e.message : String(e)}`),
  );

  return { closed, close };
}
