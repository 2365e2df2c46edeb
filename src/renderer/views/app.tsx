/*
 * The console's layout: VM list, the selected VM's view, and a tabbed panel (timeline,
 * leases, controls), with notices and global keyboard shortcuts. Reads stores only.
 */
import { useEffect, useState } from 'react';
import { useVms, readinessMessage } from '../stores/vms';
import { ControlsPanel } from './controls-panel';
import { LeasesPanel } from './leases-panel';
import { Notices } from './notices';
import { TimelineView } from './timeline-view';
import { VmList } from './vm-list';
import { VmView } from './vm-view';
import { RemoteVmView } from './remote-vm-view';
import { useFleet } from '../stores/fleet';

type Tab = 'timeline' | 'leases' | 'controls';
const TABS: { id: Tab; label: string; key: string }[] = [
  { id: 'timeline', label: 'Timeline', key: '1' },
  { id: 'leases', label: 'Leases', key: '2' },
  { id: 'controls', label: 'Controls', key: '3' },
];

/** The whole console. */
export function App() {
  const [tab, setTab] = useState<Tab>('timeline');
  const connected = useVms((s) => s.connected);
  const loaded = useVms((s) => s.loaded);
  const readiness = useVms((s) => s.readiness);
  const self = useVms((s) => s.self);
  const remote = useFleet((s) => s.selected !== null);
  const missing = readinessMessage(readiness);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const t = TABS.find((x) => x.key === e.key);
      if (t) {
        e.preventDefault();
        setTab(t.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <header className="topbar" role="banner">
        <h1>vmsig console</h1>
        <span className={connected ? 'conn ok' : 'conn down'} role="status" aria-label="Host connection">
          {connected ? 'connected' : 'disconnected'}
        </span>
        {self && (
          <span className="who" aria-label="Console identity">
            as {self.name} (principal {self.principal})
          </span>
        )}
        <span className="hint">Alt+1/2/3 panels · / filter · Ctrl+Alt releases input</span>
      </header>
      {missing && (
        <div className="banner error" role="alert">
          {missing}
        </div>
      )}
      <main className="layout">
        <VmList />
        <section className="center" aria-label="VM view">
          {!loaded ? (
            <p className="empty">Connecting to the host…</p>
          ) : remote ? (
            <RemoteVmView />
          ) : (
            <VmView />
          )}
        </section>
        <section className="panels" aria-label="Panels">
          <div role="tablist" aria-label="Panels">
            {TABS.map((t) => (
              <button
                key={t.id}
                role="tab"
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                className={tab === t.id ? 'tab active' : 'tab'}
                onClick={() => setTab(t.id)}
                title={`Alt+${t.key}`}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div
            role="tabpanel"
            id={`panel-${tab}`}
            aria-label={TABS.find((t) => t.id === tab)!.label}
            className="tabpanel"
          >
            {tab === 'timeline' && <TimelineView />}
            {tab === 'leases' && <LeasesPanel />}
            {tab === 'controls' && <ControlsPanel />}
          </div>
        </section>
      </main>
      <Notices />
    </div>
  );
}
