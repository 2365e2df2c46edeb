/*
 * Links a command and the reply that answers it inside the ring: same corr, same origin
 * control, opposite direction (a DOWN command, an UP reply). corr 0 means "no command", so it
 * links nothing. Scans the held events only, newest first for a reply's command and oldest
 * first for a command's reply; never decodes an event it does not return.
 */
import { Dir } from '../../shared/model';
import { type EventRing, RowKind } from './event-ring';

/** How far either way a link is looked for (the ring's whole span at most). */
const SPAN = 100_000;

/** The ring number of the event `n` answers or is answered by, or null. */
export function linkedEvent(ring: EventRing, n: number): number | null {
  if (!ring.has(n) || ring.rowKind(n) === RowKind.GAP) return null;
  const corr = ring.corr(n);
  if (corr === 0) return null;
  const origin = ring.origin(n);
  const dir = ring.header(n).dir;
  const want = dir === Dir.DOWN ? Dir.UP : Dir.DOWN;
  const step = dir === Dir.DOWN ? 1 : -1;
  const end = step > 0 ? Math.min(ring.total, n + SPAN) : Math.max(ring.first - 1, n - SPAN);
  for (let m = n + step; m !== end; m += step) {
    if (ring.rowKind(m) !== RowKind.EVENT) continue;
    if (ring.corr(m) === corr && ring.origin(m) === origin && ring.header(m).dir === want) return m;
  }
  return null;
}

/** The 96-byte body and payload of `n` as hex, 16 bytes a line with offsets. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b) => b.toString(16).padStart(2, '0'));
    lines.push(`${at.toString(16).padStart(4, '0')}  ${row.join(' ')}`);
  }
  return lines.join('\n');
}
