/*
 * The live guest screen: noVNC in view-only mode through the host's RFB relay (a ticketed
 * WebSocket or an Electron MessagePort; never QEMU itself), the cursor overlay from
 * CURSOR_STATE, a screenshot button, and — while the console holds the grab — keyboard,
 * pointer and wheel turned into CMD_INPUT. noVNC never sends input itself (viewOnly, and the
 * relay would close on it): all input goes through the core and its lease check.
 */
import { useCallback, useRef, useState } from 'react';
import type { PointerStatus } from '../../shared/display';
import { openDisplay, takeScreenshot } from '../api';
import { notify } from '../stores/notices';
import { sendInput, ungrab } from '../stores/actions';
import { useCursor } from '../stores/cursor';
import { useInput } from '../stores/input';
import { useGrabbedInput } from '../input/grabbed-input';
import { useVncConnection } from './vnc-connection';
import { CursorOverlay } from './cursor-overlay';

/** Saves the host's PNG of VM `endpoint`'s screen as a download. */
async function saveScreenshot(endpoint: number, name: string): Promise<void> {
  try {
    const url = URL.createObjectURL(await takeScreenshot(endpoint));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    notify('error', `Screenshot of ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The screen of VM `endpoint` (vnc: the host's name for its display, null when it has none). */
export function Screen({ endpoint, vnc, name }: { endpoint: number; vnc: string | null; name: string }) {
  const host = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const grabbed = useInput((s) => s.grabbed === endpoint);
  const cursor = useCursor((s) => s.cursors[endpoint]);
  const [pointer, setPointer] = useState<PointerStatus>('unknown');
  // QEMU's VNC may not listen yet right after a (re)start: try again every second.
  const status = useVncConnection(host, {
    enabled: vnc !== null,
    target: `${endpoint}:${vnc}`,
    open: () => openDisplay(endpoint),
    onOpened: (opened) => setPointer(opened.pointer),
    retryAfterDisconnectMs: 1000,
    retryAfterRefusalMs: 3000,
    initialStatus: 'no display',
    background: 'transparent',
  });

  const canvas = useCallback(
    (): HTMLCanvasElement | null => host.current?.querySelector('canvas') ?? null,
    [],
  );

  const release = useCallback(() => void ungrab(endpoint), [endpoint]);
  useGrabbedInput(box, grabbed, { endpoint, send: sendInput, ungrab: release, canvas });

  return (
    <div
      ref={box}
      className={grabbed ? 'screen grabbed' : 'screen'}
      tabIndex={0}
      role="application"
      aria-label={`Screen of ${name}`}
      aria-roledescription="guest display"
      data-status={status}
    >
      <div ref={host} className="vnc-host" />
      {!vnc && <p className="empty">This VM has no display (no VNC server declared or running).</p>}
      {vnc && status !== 'live' && <p className="screen-status">Display {status}</p>}
      {vnc && (
        <button
          type="button"
          className="screenshot-button"
          onClick={() => void saveScreenshot(endpoint, name)}
          aria-label={`Save a screenshot of ${name}`}
        >
          Screenshot
        </button>
      )}
      {vnc && pointer === 'relative-only' && (
        <p className="pointer-notice" role="note">
          This VM has no absolute pointer (tablet): mouse input cannot reach it. Add a tablet to its QEMU
          command line (for instance -device usb-tablet or -device virtio-tablet-pci); the keyboard works.
        </p>
      )}
      <CursorOverlay cursor={cursor} canvas={canvas} box={box} />
      {grabbed && <div className="grab-hint">Input grabbed — press Ctrl+Alt to release</div>}
    </div>
  );
}
