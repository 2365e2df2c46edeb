/* The notice area: every command result and warning, newest last, dismissable. */
import { dismiss, useNotices } from '../stores/notices';

/** Live log of results and warnings. */
export function Notices() {
  const notices = useNotices((s) => s.notices);
  return (
    <aside className="notices" role="log" aria-label="Notices" aria-live="polite">
      {notices.slice(-6).map((n) => (
        <div key={n.id} className={`notice ${n.level}`}>
          <span>{n.text}</span>
          <button aria-label="Dismiss notice" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </aside>
  );
}
