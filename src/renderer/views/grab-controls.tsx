/*
 * The start of an input bar, local or remote: Grab input / Release (the INPUT lease), who
 * holds that lease, and the "preempted by …" alert. The caller's core decides; this only
 * shows its answer and asks.
 */

/** `holder`: the INPUT lease's holder as its core reports it (undefined: free). */
export function GrabControls({
  grabbed,
  holder,
  preempted,
  canGrab,
  onGrab,
  onRelease,
}: {
  grabbed: boolean;
  holder: { mine: boolean; controlName: string; principal: number } | undefined;
  preempted: string | undefined;
  /** False while the VM's host cannot be reached. */
  canGrab: boolean;
  onGrab: () => void;
  onRelease: () => void;
}) {
  return (
    <>
      {grabbed || holder?.mine ? (
        <button onClick={onRelease}>Release</button>
      ) : (
        <button disabled={!canGrab} onClick={onGrab}>
          Grab input
        </button>
      )}
      <span className="lease-owner" aria-label="Input lease owner">
        {holder
          ? holder.mine
            ? 'INPUT lease: you'
            : `INPUT lease held by ${holder.controlName} (principal ${holder.principal})`
          : 'INPUT lease free'}
      </span>
      {preempted && (
        <span className="preempted" role="alert">
          {preempted}
        </span>
      )}
    </>
  );
}
