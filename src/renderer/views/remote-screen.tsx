/*
 * A remote VM's live screen: noVNC, view-only, through this host and NATS to the owning
 * host's relay (never that host's VNC itself), with the guest cursor from that host's feed.
 * While the console holds the grab, keys go as CMD_INPUT to the owning host's core, which
 * checks the INPUT lease it granted.
 */
import { useCallback, useRef } from 'react';
import type { InputRequest } from '../../shared/ipc';
import { openRemoteDisplay } from '../api/fleet-display';
import { type RemoteRef, refKey, remoteInput, remoteUngrab, sameRef, useFleet } from '../stores/fleet';
import { useGrabbedInput } from '../input/grabbed-input';
import { useVncConnection } from './vnc-connection';
import { CursorOverlay } from './cursor-overlay';

/** The screen of VM `vm.id` on `vm.host`. */
export function RemoteScreen({ target, name, live }: { target: RemoteRef; name: string; live: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const grabbed = useFleet((s) => sameRef(s.grabbed, target));
  const cursor = useFleet((s) => s.cursors[refKey(target)]);
  const { host: hostName, id } = target;
  // A remote display crosses NATS and two hosts: retry a little slower than a local one.
  const status = useVncConnection(host, {
    enabled: live,
    target: `${hostName}/${id}`,
    open: async () => ({ channel: await openRemoteDisplay(hostName, id) }),
    retryAfterDisconnectMs: 1500,
    retryAfterRefusalMs: 3000,
    initialStatus: 'connecting',
  });

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
      {live && <CursorOverlay cursor={cursor} canvas={canvas} box={box} />}
      {grabbed && <div className="grab-hint">Input grabbed — press Ctrl+Alt to release</div>}
    </div>
  );
}
