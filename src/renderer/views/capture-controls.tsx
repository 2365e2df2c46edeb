/*
 * Fullscreen and keyboard capture for the grabbed screen, and the sticky Ctrl/Alt/Super
 * toggles, and the choice of the key combo that ends a grab. In fullscreen, Chromium's Keyboard Lock API sends browser and desktop shortcuts
 * (Ctrl+W, Alt+Tab, Super) to the page, so they reach the guest; elsewhere it says it cannot.
 * In Electron the grab alone also turns the window's menu shortcuts off (input/desktop-capture).
 */
import { useEffect, useState } from 'react';
import {
  STICKY,
  type SendInput,
  type StickyName,
  installStickyRelease,
  toggleSticky,
  useSticky,
} from '../input/sticky';
import { RELEASE_COMBOS, setReleaseCombo, useReleaseCombo } from '../input/release-combo';
import { installDesktopCapture } from '../input/desktop-capture';

interface KeyboardLock {
  lock(keys?: string[]): Promise<void>;
  unlock(): void;
}
const keyboard = (): KeyboardLock | undefined => (navigator as { keyboard?: KeyboardLock }).keyboard;

/** Fullscreen button (with keyboard lock) and sticky modifier toggles for one VM. */
export function CaptureControls({
  endpoint,
  vmName,
  enabled,
  send,
}: {
  endpoint: number;
  /** As the screen's label names it ("Screen of …"): "demo", or "demo on b" for another host's. */
  vmName: string;
  enabled: boolean;
  /** Where the sticky modifiers go: this host's core, or the owning host's. */
  send: SendInput;
}) {
  const on = useSticky((s) => s.on);
  const combo = useReleaseCombo((s) => s.combo);
  const [locked, setLocked] = useState<'none' | 'locked' | 'unsupported'>('none');
  useEffect(() => installStickyRelease(), []);
  // Electron: while grabbed, the window's shortcuts go to the guest (no-op in the browser).
  useEffect(() => installDesktopCapture(), []);
  useEffect(() => {
    const onChange = (): void => {
      if (document.fullscreenElement) return;
      keyboard()?.unlock();
      setLocked('none');
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);
  const fullscreen = async (): Promise<void> => {
    const el = document.querySelector<HTMLElement>(`[aria-label="Screen of ${CSS.escape(vmName)}"]`);
    if (!el) return;
    await el.requestFullscreen();
    el.focus();
    const kb = keyboard();
    if (!kb) return setLocked('unsupported');
    await kb.lock().then(
      () => setLocked('locked'),
      () => setLocked('unsupported'),
    );
  };
  return (
    <span className="capture-controls">
      <button onClick={() => void fullscreen().catch(() => setLocked('unsupported'))}>Fullscreen</button>
      {locked !== 'none' && (
        <span role="status" aria-label="Keyboard capture">
          {locked === 'locked' ? 'Keyboard captured (Esc held exits)' : 'Keyboard capture unavailable here'}
        </span>
      )}
      <label>
        Release combo{' '}
        <select value={combo} onChange={(e) => setReleaseCombo(e.target.value)}>
          {Object.keys(RELEASE_COMBOS).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      {(Object.keys(STICKY) as StickyName[]).map((name) => (
        <button
          key={name}
          aria-pressed={on.includes(name)}
          disabled={!enabled}
          title={`Hold ${name} for the next key`}
          onClick={() => toggleSticky(send, endpoint, name)}
        >
          {name}
        </button>
      ))}
    </span>
  );
}
