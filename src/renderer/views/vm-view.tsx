/* The selected VM: heading with its states, power and input toolbars, the live screen and its serial console. */
import { useState } from 'react';
import { selectSelectedVm, useVms } from '../stores/vms';
import { AccelLine, hostStateText } from './boot-state';
import { InputBar } from './input-bar';
import { PowerBar } from './power-bar';
import { Screen } from './screen';
import { SerialPane } from './serial-pane';
import { VmForm } from './vm-form';
import { AttachedForm } from './attached-form';

/** The selected VM's view, or an empty state. */
export function VmView() {
  const vm = useVms(selectSelectedVm);
  const [editing, setEditing] = useState<number | null>(null);
  if (!vm) return <p className="empty">No VM selected. Add or start one from the list.</p>;
  return (
    <div className="vm-view">
      <div className="vm-title">
        <h2>{vm.name}</h2>
        <span aria-label="Selected VM lifecycle" className={`life ${vm.lifecycle.toLowerCase()}`}>
          {vm.lifecycle}
        </span>
        <span className="muted" aria-label="Selected VM host state">
          {hostStateText(vm)}
        </span>
        <button onClick={() => setEditing(vm.id)} aria-expanded={editing === vm.id}>
          Edit
        </button>
      </div>
      {editing === vm.id &&
        (vm.kind === 'managed' ? (
          <VmForm editId={vm.id} onDone={() => setEditing(null)} />
        ) : (
          <AttachedForm editId={vm.id} onDone={() => setEditing(null)} />
        ))}
      <AccelLine vm={vm} />
      <PowerBar endpoint={vm.id} name={vm.name} />
      <InputBar endpoint={vm.id} />
      <Screen endpoint={vm.id} vnc={vm.vnc} name={vm.name} />
      {/* An attached VM has a serial pane when it declares its serial port (the host reads it). */}
      {(vm.kind === 'managed' || vm.serialPath !== null) && (
        <SerialPane key={vm.id} endpoint={vm.id} name={vm.name} />
      )}
    </div>
  );
}
