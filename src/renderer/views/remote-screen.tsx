/*
 * A remote VM's live screen: noVNC, view-only, through this host and NATS to the owning
 * host's relay (never that host's VNC itself). While the console holds the grab, keys go
 * as CMD_INPUT to the owning host's core, which checks the INPUT lease it granted.
 */
import RFB from '@novnc/novnc';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { InputRequest } from '../../shared/ipc';
import { openRemoteDisplay } from '../api/fleet-display';
import { type RemoteRef, remoteInput, remoteUngrab, sameRef, useFleet } from '../stores/fleet';
import { useGrabbedInput } from '../input/grabbed-input';

/** The screen of VM `vm.id` on `vm.host`. */
export function RemoteScreen({ target, name, live }: { target: RemoteRef; name: string; live: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('connecting');
  const [attempt, setAttempt] = useState(0);
  const grabbed = useFleet((s) => sameRef(s.grabbed, target));
  const { host: hostName, id } = target;

  useEffect(() => {
    const el = host.current;
    if (!el || !live) return;
    let rfb: RFB | null = null;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const again = (): void => {
      setStatus('disconnected');
      retry = setTimeout(() => setAttempt((a) => a + 1), 1500);
    };
    const onConnect = (): void => setStatus('live');
    setStatus('connecting');
    openRemoteDisplay(hostName, id).then(
      (url) => {
        if (cancelled) return;
        rfb = new RFB(el, url, { shared: true });
        rfb.viewOnly = true;
        rfb.scaleViewport = true;
        rfb.focusOnClick = false;
        rfb.addEventListener('connect', onConnect);
        rfb.addEventListener('disconnect', again);
      },
      (e: unknown) => {
        if (cancelled) return;
        setStatus(`refused: ${e instanceof Error ? e.message : String(e)}`);
        retry = setTimeout(() => setAttempt((a) => a + 1), 3000);
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
  }, [hostName, id, live, attempt]);

  const send = useCallback(
    (input: InputRequest) => void remoteInput({ host: hostName, id }, input),
    [hostName, id],
  );
  const release = useCallback(() => void remoteUngrab({ host: hostName, id }), [hostName, id]);
  const canvas = useCallback(
    (): HTMLCanvasElement | null => host.current?.querySelector('canvas') ?? null,
    [],
  );
  useGrabbedInput(box, grabbed, { endpoint: id, send, ungrab: release, canvas });

  return (
    <div
      ref={box}
      className={grabbed ? 'screen grabbed' : 'screen'}
      tabIndex={0}
      role="application"
      aria-label={`Screen of ${name} on ${hostName}`}
      aria-roledescription="guest display"
      data-status={live ? status : 'host unreachable'}
    >
      <div ref={host} className="vnc-host" />
      {!live && <p className="screen-status">Host {hostName} unreachable</p>}
      {live && status !== 'live' && <p className="screen-status">Display {status}</p>}
      {grabbed && <div className="grab-hint">Input grabbed — press Ctrl+Alt to release</div>}
    </div>
  );
}
