/*
 * The page lets go of every key it pressed on the grabbed VM when the keyboard leaves it:
 * window blur (another window or app), the tab hidden, focus moving off the grabbed screen.
 * The key-ups would otherwise go elsewhere and the guest would keep Shift or Ctrl held.
 * A remote VM's screen too: its keys are released on its own host.
 */
import { getApi } from '../api';
import { useInput } from '../stores/input';
import { releaseRemotePressed } from '../stores/fleet';
import { notify } from '../stores/notices';

/** The releases sent and not yet answered. */
let inFlight: Promise<unknown> = Promise.resolve();

/**
 * Releases every key and button the console holds on `endpoint` (default: the grabbed VM),
 * newest first, and resolves once the VM's input adapter sent them to QEMU: ungrab awaits
 * this so the releases are out before the INPUT lease goes (after it they would be dropped).
 */
export async function releasePressed(endpoint = useInput.getState().grabbed): Promise<number> {
  const { pressed } = useInput.getState();
  // A blur or focus-out may have sent releases a moment ago: wait for those too.
  if (endpoint === null || pressed.length === 0) return inFlight.then(() => 0);
  useInput.setState({ pressed: [] });
  const sends = [...pressed].reverse().map((code) =>
    getApi()
      .invoke('input.send', { endpoint, type: code >= 0x100 ? 'button' : 'key', code, down: false })
      .then((r) => {
        if (!r.ok) notify('error', `Release of key ${code} failed: ${r.error.message}`);
        else if (!r.value.accepted) notify('error', `Release of key ${code} refused: ${r.value.err}`);
      }),
  );
  // input.send answers once the core took a key, not once QEMU did: under load a release can
  // still wait in the INPUT adapter's lane, and one waiting when the lease goes is dropped.
  // The adapter answers a held-keys query only after every input before it went out, so
  // that answer is when the releases are in.
  const settled = Promise.all(sends).then(() => getApi().invoke('input.query', { endpoint }));
  inFlight = Promise.all([inFlight, settled]);
  await inFlight;
  return pressed.length;
}

/** Whether a focus change leaves the grabbed screen (a move inside it, e.g. to its canvas, does not). */
function leavesScreen(e: FocusEvent): boolean {
  const from = e.target instanceof Element ? e.target.closest('.screen.grabbed') : null;
  if (!from) return false;
  return !(e.relatedTarget instanceof Node && from.contains(e.relatedTarget));
}

/** Installs the listeners on `win`; returns the disposer. */
export function installReleaseOnLeave(win: Window = window): () => void {
  const doc = win.document;
  // A local and a remote VM's screen alike (only one of them is grabbed at a time).
  const release = (): void => {
    void releasePressed();
    void releaseRemotePressed();
  };
  const onBlur = (): void => release();
  const onVisibility = (): void => {
    if (doc.visibilityState === 'hidden') release();
  };
  const onFocusOut = (e: FocusEvent): void => {
    if (leavesScreen(e)) release();
  };
  win.addEventListener('blur', onBlur);
  doc.addEventListener('visibilitychange', onVisibility);
  doc.addEventListener('focusout', onFocusOut, true);
  return () => {
    win.removeEventListener('blur', onBlur);
    doc.removeEventListener('visibilitychange', onVisibility);
    doc.removeEventListener('focusout', onFocusOut, true);
  };
}
