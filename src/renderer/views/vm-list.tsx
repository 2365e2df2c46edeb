/*
 * The VM list: name, lifecycle and host state, seams, lease holders (derived from the
 * leases store), start/stop for managed VMs, remove, and the buttons opening the New VM and Add attached VM forms.
 */
import { useState } from 'react';
import type { VmView } from '../../shared/ipc';
import { removeVm, startVm, stopVm } from '../stores/actions';
import { AttachedForm } from './attached-form';
import { holdersText, useLeases } from '../stores/leases';
import { useVms } from '../stores/vms';
import { AccelBadge, hostStateText, isSilent } from './boot-state';
import { VmForm } from './vm-form';
import { FleetGroups } from './host-group';
import { SeamBadges } from './seam-badges';
import { useFleet } from '../stores/fleet';

function VmRow({ vm, selected: isSelected }: { vm: VmView; selected: boolean }) {
  const holders = useLeases((s) => holdersText(s.leases, vm.id));
  // A remote VM in the centre view means no local row is the current one.
  const selected = useFleet((s) => s.selected === null) && isSelected;
  const starting =
    useVms((s) => s.starting.includes(vm.id) || s.booting.includes(vm.id)) || vm.host === 'starting';
  const running = vm.host === 'running';
  return (
    // A list item, not a listbox option: it holds buttons, which an option may not.
    <li
      aria-current={selected || undefined}
      aria-label={vm.name}
      className={selected ? 'vm selected' : 'vm'}
      onClick={() => {
        useVms.setState({ selected: vm.id });
        useFleet.setState({ selected: null });
      }}
    >
      <div className="vm-head">
        <strong>{vm.name}</strong>
        <span className="muted">
          #{vm.id} · {vm.kind}
        </span>
      </div>
      <div className="vm-state">
        <span aria-label="Lifecycle state" className={`life ${vm.lifecycle.toLowerCase()}`}>
          {vm.lifecycle}
        </span>
        <span aria-label="Host state" className={isSilent(vm) ? 'silent' : 'muted'}>
          {hostStateText(vm)}
        </span>
        <AccelBadge vm={vm} />
      </div>
      <div className="seams">
        <SeamBadges seams={vm.seams} noneText="no seams" />
      </div>
      <div className="muted small" aria-label="Lease holders">
        leases: {holders}
      </div>
      {vm.error && (
        <div className="error small" role="alert">
          {vm.error}
        </div>
      )}
      {starting && (
        <div role="progressbar" aria-label={`Starting ${vm.name}`} className="progress">
          <span />
        </div>
      )}
      <div className="row-actions" onClick={(e) => e.stopPropagation()}>
        {vm.kind === 'managed' && !running && (
          <button disabled={starting} onClick={() => void startVm(vm.id)}>
            Start
          </button>
        )}
        {vm.kind === 'managed' && running && <button onClick={() => void stopVm(vm.id)}>Stop</button>}
        <button
          onClick={() => {
            if (window.confirm(`Remove ${vm.name} from the console?`)) void removeVm(vm.id);
          }}
        >
          Remove
        </button>
      </div>
    </li>
  );
}

/** The sidebar list of VMs. */
export function VmList() {
  const vms = useVms((s) => s.vms);
  const selected = useVms((s) => s.selected);
  const [adding, setAdding] = useState(false);
  const [creating, setCreating] = useState(false);
  const self = useFleet((s) => s.fleet?.self);
  return (
    <nav className="sidebar" aria-label="VMs">
      <div className="side-head">
        <h2>VMs</h2>
        <button onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
          New VM
        </button>
        <button onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
          Add attached VM
        </button>
      </div>
      {creating && <VmForm onDone={() => setCreating(false)} />}
      {adding && <AttachedForm onDone={() => setAdding(false)} />}
      <section className="host-group" aria-label={self ? `Host ${self}` : 'This host'}>
        {/* In a fleet, this host's own group comes first and says which host it is. */}
        {self && (
          <h3 className="host-head">
            {self} <span className="muted">(this host)</span>
          </h3>
        )}
        {vms.length === 0 ? (
          <p className="empty">No VMs configured. Add an attached VM by its QMP socket.</p>
        ) : (
          <ul aria-label="VM list">
            {vms.map((vm) => (
              <VmRow key={vm.id} vm={vm} selected={vm.id === selected} />
            ))}
          </ul>
        )}
      </section>
      <FleetGroups />
    </nav>
  );
}
