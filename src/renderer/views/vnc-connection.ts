/*
 * The noVNC connection of a screen, local or remote: opens the display (a fresh ticket or
 * port each time: a ticket works once), runs noVNC view-only (input goes through the core,
 * never through noVNC), and retries after a disconnect or a refusal. Returns the status.
 */
import RFB from '@novnc/novnc';
import { type RefObject, useEffect, useRef, useState } from 'react';
import type { RawChannel } from '../api/port-channel';

/** What `open` gives noVNC: a ws:// URL or a channel (closed here if the screen went meanwhile). */
export interface VncChannel {
  channel: string | RawChannel;
}

/** How one screen connects and retries. */
export interface VncConnectionOptions<T extends VncChannel> {
  /** False: no connection (no display, or its host unreachable). */
  enabled: boolean;
  /** What is shown (e.g. the VM's display name): a change reconnects. */
  target: string;
  /** Opens the display; a rejection is shown as "refused: …" and retried. */
  open: () => Promise<T>;
  /** Called with what `open` gave, once noVNC takes it. */
  onOpened?: (opened: T) => void;
  /** Wait after noVNC disconnects before the next attempt (ms). */
  retryAfterDisconnectMs: number;
  /** Wait after `open` was refused before the next attempt (ms). */
  retryAfterRefusalMs: number;
  /** The status before the first attempt. */
  initialStatus: string;
  /** noVNC's canvas background (its default when absent). */
  background?: string;
}

/** Connects noVNC into `el`'s element; returns 'connecting', 'live', 'disconnected' or 'refused: …'. */
export function useVncConnection<T extends VncChannel>(
  el: RefObject<HTMLDivElement | null>,
  o: VncConnectionOptions<T>,
): string {
  const [status, setStatus] = useState(o.initialStatus);
  const [attempt, setAttempt] = useState(0);
  // The callbacks are read at call time, so a new closure each render does not reconnect.
  const latest = useRef(o);
  latest.current = o;
  const { enabled, target, retryAfterDisconnectMs, retryAfterRefusalMs, background } = o;

  useEffect(() => {
    const host = el.current;
    if (!enabled || !host) return;
    setStatus('connecting');
    let rfb: RFB | null = null;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const again = (): void => {
      setStatus('disconnected');
      retry = setTimeout(() => setAttempt((a) => a + 1), retryAfterDisconnectMs);
    };
    const onConnect = (): void => setStatus('live');
    latest.current.open().then(
      (opened) => {
        if (cancelled) {
          if (typeof opened.channel !== 'string') opened.channel.close();
          return;
        }
        latest.current.onOpened?.(opened);
        rfb = new RFB(host, opened.channel, { shared: true });
        rfb.viewOnly = true;
        rfb.scaleViewport = true;
        rfb.focusOnClick = false;
        if (background !== undefined) rfb.background = background;
        rfb.addEventListener('connect', onConnect);
        rfb.addEventListener('disconnect', again);
      },
      (e: unknown) => {
        if (cancelled) return;
        setStatus(`refused: ${e instanceof Error ? e.message : String(e)}`);
        retry = setTimeout(() => setAttempt((a) => a + 1), retryAfterRefusalMs);
      },
    );
    return () => {
      cancelled = true;
      clearTimeout(retry);
      if (rfb) {
        rfb.removeEventListener('connect', onConnect);
        rfb.removeEventListener('disconnect', again);
        rfb.disconnect();
      }
    };
  }, [el, enabled, target, attempt, retryAfterDisconnectMs, retryAfterRefusalMs, background]);

  return status;
}
