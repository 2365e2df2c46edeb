import { describe, expect, it, vi } from 'vitest';
import { useInput } from '../stores/input';
import { installDesktopCapture } from './desktop-capture';

describe('desktop capture follows the grab', () => {
  it('asks main to capture while a VM is grabbed and to stop on release and on dispose', () => {
    const calls: boolean[] = [];
    vi.stubGlobal('window', {
      vmsig: {
        capture: { set: (on: boolean) => (calls.push(on), Promise.resolve({ ok: true, value: { on } })) },
      },
    });
    const dispose = installDesktopCapture();
    expect(calls).toEqual([]);
    useInput.setState({ grabbed: 1 });
    useInput.setState({ grabbed: 1, pressed: [30] });
    useInput.setState({ grabbed: null, pressed: [] });
    useInput.setState({ grabbed: 2 });
    dispose();
    expect(calls).toEqual([true, false, true, false]);
    useInput.setState({ grabbed: null });
    vi.unstubAllGlobals();
  });

  it('does nothing in the browser (no bridge)', () => {
    vi.stubGlobal('window', {});
    expect(() => installDesktopCapture()()).not.toThrow();
    vi.unstubAllGlobals();
  });
});
