/*
 * A VM's seams as up/down badges: one home for the local VM list and the other hosts'
 * groups, so both read the same to the operator and to the tests' aria queries.
 */
import type { SeamView } from '../../shared/ipc';

/** The badges of `seams`; `noneText` (when given) stands in for an empty list. */
export function SeamBadges({ seams, noneText }: { seams: SeamView[]; noneText?: string }) {
  if (seams.length === 0 && noneText !== undefined) return <span className="seam none">{noneText}</span>;
  return (
    <>
      {seams.map((s) => (
        <span
          key={s.seam}
          className={s.up ? 'seam up' : 'seam down'}
          aria-label={`seam ${s.seam} ${s.up ? 'up' : 'down'}`}
        >
          {s.seam} {s.up ? 'up' : 'down'}
        </span>
      ))}
    </>
  );
}
