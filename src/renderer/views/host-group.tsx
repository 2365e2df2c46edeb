/*
 * One other host of the fleet in the VM list: its name, "host unreachable" once its
 * presence has been silent for 1.5 s (docs/fleet.md §9), and its VMs with their state,
 * seams and lease holders as that host's feed reported them.
 */
import type { RemoteHostView, RemoteVmView } from '../../shared/ipc';
import { sameRef, useFleet } from '../stores/fleet';
import { SeamBadges } from './seam-badges';

function RemoteVmRow({ host, vm, reachable }: { host: string; vm: RemoteVmView; reachable: boolean }) {
  const selected = useFleet((s) => sameRef(s.selected, { host, id: vm.id }));
  const leases = vm.leases.length
    ? vm.leases.map((l) => `${l.cls}: ${l.mine ? 'you' : `${l.controlName} (${l.principal})`}`).join(', ')
    : 'free';
  return (
    <li
      aria-current={selected || undefined}
      aria-label={`${vm.name} on ${host}`}
      className={selected ? 'vm selected' : 'vm'}
      onClick={() => useFleet.setState({ selected: { host, id: vm.id } })}
    >
      <div className="vm-head">
        <strong>{vm.name}</strong>
        <span className="muted">
          #{vm.id} · {host}
        </span>
      </div>
      <div className="vm-state">
        <span aria-label="Lifecycle state" className={`life ${vm.lifecycle.toLowerCase()}`}>
          {reachable ? vm.lifecycle : 'DOWN'}
        </span>
        <span aria-label="Host state" className="muted">
          {vm.host}
        </span>
      </div>
      <div className="seams">
        <SeamBadges seams={vm.seams} />
      </div>
      <div className="muted small" aria-label="Lease holders">
        leases: {leases}
      </div>
    </li>
  );
}

/** The group of one remote host. */
export function HostGroup({ host }: { host: RemoteHostView }) {
  return (
    <section className="host-group" aria-label={`Host ${host.name}`} data-reachable={host.reachable}>
      <h3 className="host-head">
        {host.name}{' '}
        <span
          role="status"
          aria-label={`Host ${host.name} status`}
          className={host.reachable ? 'conn ok' : 'conn down'}
        >
          {host.reachable ? 'reachable' : 'host unreachable'}
        </span>
      </h3>
      {host.vms.length === 0 ? (
        <p className="empty small">No VMs.</p>
      ) : (
        <ul aria-label={`VMs of ${host.name}`}>
          {host.vms.map((vm) => (
            <RemoteVmRow key={vm.id} host={host.name} vm={vm} reachable={host.reachable} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Every other host, after this host's own group; nothing when this console has no fleet view. */
export function FleetGroups() {
  const fleet = useFleet((s) => s.fleet);
  if (!fleet) return null;
  return (
    <>
      {!fleet.connected && (
        <p className="banner error small" role="status" aria-label="Fleet connection">
          Fleet bus unreachable: other hosts are not shown live
        </p>
      )}
      {fleet.hosts.map((h) => (
        <HostGroup key={h.name} host={h} />
      ))}
    </>
  );
}
