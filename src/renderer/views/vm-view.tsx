/* The selected VM: heading with its states, power and input toolbars, and the live screen. */
import { selectSelectedVm, useVms } from '../stores/vms';
import { AccelLine, hostStateText } from './boot-state';
import { InputBar } from './input-bar';
import { PowerBar } from './power-bar';
import { Screen } from './screen';

/** The selected VM's view, or an empty state. */
export function VmView() {
  const vm = useVms(selectSelectedVm);
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
      </div>
      <AccelLine vm={vm} />
      <PowerBar endpoint={vm.id} name={vm.name} />
      <InputBar endpoint={vm.id} />
      <Screen endpoint={vm.id} vnc={vm.vnc} name={vm.name} />
    </div>
  );
}
