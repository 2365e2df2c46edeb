/* Connected controls: name, principal, caps, grant, subscription and queue counters. */
import { useControls } from '../stores/controls';

const list = (v: number[] | string[] | 'all'): string =>
  v === 'all' ? 'all' : v.length ? v.join(', ') : 'none';

/** The controls table. */
export function ControlsPanel() {
  const controls = useControls((s) => s.controls);
  if (controls.length === 0) return <p className="empty">No controls connected.</p>;
  return (
    <table aria-label="Controls" className="grid">
      <thead>
        <tr>
          <th>Id</th>
          <th>Name</th>
          <th>Principal</th>
          <th>Caps</th>
          <th>Grant</th>
          <th>Prio</th>
          <th>Subscription</th>
          <th>Queued / delivered / dropped</th>
        </tr>
      </thead>
      <tbody>
        {controls.map((c) => (
          <tr key={c.id} className={c.self ? 'mine' : ''}>
            <td>{c.id}</td>
            <td>
              {c.name}
              {c.self ? ' (this console)' : ''}
            </td>
            <td>{c.principal}</td>
            <td>{c.caps.join(' ')}</td>
            <td>{list(c.grant.length === 63 ? 'all' : c.grant)}</td>
            <td>{c.leasePrio}</td>
            <td>
              {c.subscription
                ? `kinds ${list(c.subscription.kinds)}; ${c.subscription.dirs.join('+')}; ≥${c.subscription.prioMin}; VMs ${list(c.subscription.endpoints)}`
                : 'not subscribed'}
            </td>
            <td>
              {c.queued} / {c.delivered} / {c.dropped}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
