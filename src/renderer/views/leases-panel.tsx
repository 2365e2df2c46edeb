/* Every lease of every VM: class, owner principal and control, priority, since when. */
import { useLeases } from '../stores/leases';
import { useVms } from '../stores/vms';

/** The leases table. */
export function LeasesPanel() {
  const leases = useLeases((s) => s.leases);
  const vms = useVms((s) => s.vms);
  if (leases.length === 0) return <p className="empty">No leases held.</p>;
  return (
    <table aria-label="Leases" className="grid">
      <thead>
        <tr>
          <th>VM</th>
          <th>Class</th>
          <th>Control</th>
          <th>Principal</th>
          <th>Prio</th>
          <th>Since</th>
        </tr>
      </thead>
      <tbody>
        {leases.map((l) => (
          <tr key={`${l.endpoint}-${l.cls}`} className={l.mine ? 'mine' : ''}>
            <td>{vms.find((v) => v.id === l.endpoint)?.name ?? l.endpoint}</td>
            <td>{l.cls}</td>
            <td>
              {l.controlName}
              {l.mine ? ' (this console)' : ''}
            </td>
            <td>{l.principal}</td>
            <td>{l.prio}</td>
            <td>{new Date(l.sinceMs).toLocaleTimeString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
