/*
 * The held-keys list of an input bar, local or remote: what the VM's input seam holds as
 * its core last answered CMD_QUERY_INPUT (INPUT_HELD), a button to ask again, and
 * "Release all" for whoever holds the INPUT lease.
 */
import type { HeldView } from '../../shared/ipc';
import { keyName } from '../../shared/keys';

/** `held`: the last answer (undefined: never asked); `mine`: this console holds the INPUT lease. */
export function HeldKeys({
  held,
  mine,
  onQuery,
  onReleaseAll,
}: {
  held: HeldView | undefined;
  mine: boolean;
  onQuery: () => void;
  onReleaseAll: () => void;
}) {
  return (
    <div className="held" aria-label="Held keys">
      <button onClick={onQuery}>Held keys</button>
      <span>
        {held
          ? held.entries.length
            ? held.entries.map((e) => keyName(e.code)).join(', ') + (held.truncated ? ' …' : '')
            : 'none'
          : '—'}
      </span>
      <button onClick={onReleaseAll} disabled={!mine}>
        Release all
      </button>
    </div>
  );
}
