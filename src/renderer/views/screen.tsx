/*
 * The live guest screen: noVNC in view-only mode through the host's RFB relay (a ticketed
 * WebSocket or an Electron MessagePort; never QEMU itself), the cursor overlay from
 * CURSOR_STATE, a screenshot button, and — while the console holds the grab — keyboard,
 * pointer and wheel turned into CMD_INPUT. noVNC never sends input itself (viewOnly, and the
 * relay would close on it): all input goes through the core and its lease check.
 */
import RFB from '@novnc/novnc';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PointerStatus } from '../../shared/display';
import { openDisplay, takeScreenshot } from '../api';
import { notify } from '../stores/notices';
import { sendInput, ungrab } from '../stores/actions';
import { useCursor } from '../stores/cursor';
import { useInput } from '../stores/input';
import { fbToClient } from '../input/pointer';
import { useGrabbedInput } from '../input/grabbed-input';

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
  const [status, setStatus] = useState('no display');
  const grabbed = useInput((s) => s.grabbed === endpoint);
  const cursor = useCursor((s) => s.cursors[endpoint]);
  const [, setLayout] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const [pointer, setPointer] = useState<PointerStatus>('unknown');

  useEffect(() => {
    const el = host.current;
    if (!vnc || !el) return;
    setStatus('connecting');
    let rfb: RFB | null = null;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    // QEMU's VNC may not listen yet right after a (re)start: try again every second, each
    // time with a fresh ticket (a ticket works once).
    const again = (): void => {
      setStatus('disconnected');
      retry = setTimeout(() => setAttempt((a) => a + 1), 1000);
    };
    const onConnect = (): void => setStatus('live');
    openDisplay(endpoint).then(
      (opened) => {
        if (cancelled) {
          if (typeof opened.channel !== 'string') opened.channel.close();
          return;
        }
        setPointer(opened.pointer);
        rfb = new RFB(el, opened.channel, { shared: true });
        rfb.viewOnly = true;
        rfb.scaleViewport = true;
        rfb.focusOnClick = false;
        rfb.background = 'transparent';
        rfb.addEventListener('connect', onConnect);
        rfb.addEventListener('disconnect', again);
      },
      (e: unknown) => {
        if (cancelled) return;
        setStatus(`refused: ${e instanceof Error ? e.message : String(e)}`);
        retry = setTimeout(() => setAttempt((a) => a + 1), 3000);
      },
    );
    const ro = new ResizeObserver(() => setLayout((n) => n + 1));
    ro.observe(el);
    return () => {
      cancelled = true;
      clearTimeout(retry);
      ro.disconnect();
      if (rfb) {
        rfb.removeEventListener('connect', onConnect);
        rfb.removeEventListener('disconnect', again);
        rfb.disconnect();
      }
    };
  }, [vnc, attempt, endpoint]);

  const canvas = useCallback(
    (): HTMLCanvasElement | null => host.current?.querySelector('canvas') ?? null,
    [],
  );

  const release = useCallback(() => void ungrab(endpoint), [endpoint]);
  useGrabbedInput(box, grabbed, { endpoint, send: sendInput, ungrab: release, canvas });

  let overlay = null;
  const c = canvas();
  if (cursor && cursor.visible && c && box.current) {
    const r = c.getBoundingClientRect();
    const b = box.current.getBoundingClientRect();
    const p = fbToClient(cursor.x, cursor.y, c.width, c.height, {
      left: r.left - b.left,
      top: r.top - b.top,
      width: r.width,
      height: r.height,
    });
    overlay = (
      <div
        className="cursor-overlay"
        role="img"
        aria-label={`Guest cursor at ${cursor.x},${cursor.y}`}
        data-x={cursor.x}
        data-y={cursor.y}
        style={{ transform: `translate(${p.left}px, ${p.top}px)` }}
      />
    );
  }

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
      {overlay}
      {grabbed && <div className="grab-hint">Input grabbed — press Ctrl+Alt to release</div>}
    </div>
  );
}
