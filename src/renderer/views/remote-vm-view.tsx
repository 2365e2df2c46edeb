/*
 * The selected VM of another host: its state as that host reports it, grab/release of
 * that host's INPUT lease with send keys, paste and held keys, power operations under its
 * POWER lease, and its screen. Every action is decided by the owning host's core; a refusal
 * shows as a notice, as locally.
 */
import type { VmOpName } from '../../shared/ipc';
import { remoteOp, selectRemoteHost, selectRemoteVm, useFleet } from '../stores/fleet';
import { RemoteInputBar } from './remote-input-bar';
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
      <RemoteInputBar target={ref} vmName={vm.name} reachable={reachable} input={input} />
      <RemoteScreen key={`${host}/${vm.id}`} target={ref} name={vm.name} live={reachable} />
    </div>
  );
}
