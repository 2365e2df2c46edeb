/*
 * The selected VM of another host: its state as that host reports it, grab/release of
 * that host's INPUT lease, power operations under its POWER lease, and its screen. Every
 * action is decided by the owning host's core; a refusal shows as a notice, as locally.
 */
import type { VmOpName } from '../../shared/ipc';
import {
  remoteGrab,
  remoteOp,
  remoteUngrab,
  sameRef,
  selectRemoteHost,
  selectRemoteVm,
  useFleet,
} from '../stores/fleet';
import { RemoteScreen } from './remote-screen';

const OPS: { op: VmOpName; label: string; confirm: boolean }[] = [
  { op: 'pause', label: 'Pause', confirm: false },
  { op: 'resume', label: 'Resume', confirm: false },
  { op: 'reset', label: 'Reset', confirm: true },
  { op: 'powerdown', label: 'Power down', confirm: true },
];

/** The remote VM's view, or nothing when none is selected. */
export function RemoteVmView() {
  const vm = useFleet(selectRemoteVm);
  const hostView = useFleet(selectRemoteHost);
  const grabbed = useFleet((s) => sameRef(s.grabbed, s.selected));
  if (!vm || !hostView) return <p className="empty">That VM is gone from its host.</p>;
  const { name: host, reachable } = hostView;
  const ref = { host, id: vm.id };
  const input = vm.leases.find((l) => l.cls === 'INPUT');
  return (
    <div className="vm-view">
      <div className="vm-title">
        <h2>
          {vm.name} <span className="muted">on {host}</span>
        </h2>
        <span aria-label="Selected VM lifecycle" className={`life ${vm.lifecycle.toLowerCase()}`}>
          {reachable ? vm.lifecycle : 'DOWN'}
        </span>
        <span className="muted" aria-label="Selected VM host state">
          {reachable ? vm.host : `host ${host} unreachable`}
        </span>
      </div>
      <div className="power-bar" role="toolbar" aria-label="Power">
        {OPS.map((o) => (
          <button
            key={o.op}
            disabled={!reachable}
            onClick={() => {
              if (!o.confirm || window.confirm(`${o.label} ${vm.name} on ${host}?`)) void remoteOp(ref, o.op);
            }}
          >
            {o.label}
          </button>
        ))}
      </div>
      <div className="input-bar" role="toolbar" aria-label="Input">
        {grabbed || input?.mine ? (
          <button onClick={() => void remoteUngrab(ref)}>Release</button>
        ) : (
          <button disabled={!reachable} onClick={() => void remoteGrab(ref)}>
            Grab input
          </button>
        )}
        <span className="lease-owner" aria-label="Input lease owner">
          {input
            ? input.mine
              ? 'INPUT lease: you'
              : `INPUT lease held by ${input.controlName} (principal ${input.principal})`
            : 'INPUT lease free'}
        </span>
      </div>
      <RemoteScreen key={`${host}/${vm.id}`} target={ref} name={vm.name} live={reachable} />
    </div>
  );
}
