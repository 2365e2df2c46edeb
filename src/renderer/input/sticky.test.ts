// Sticky modifiers on a remote VM: the toggle presses Ctrl on the owning host, the first
// other key released there lets it go (through the same host), and a local store change
// while the remote VM is grabbed leaves the combo alone.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InputRequest } from '../../shared/ipc';
import { remoteInput, useFleet } from '../stores/fleet';
import { useInput } from '../stores/input';
import { installStickyRelease, toggleSticky, useSticky } from './sticky';

const calls: { channel: string; req: { host?: string; input?: InputRequest } }[] = [];

beforeAll(() => {
  // The page's API as the Electron preload exposes it: here, a recorder that accepts every input.
  (globalThis as { window?: unknown }).window = {
    vmsig: {
      invoke: async (channel: string, req: never) => {
        calls.push({ channel, req });
        return { ok: true, value: { accepted: true, err: '' } };
      },
      on: () => () => {},
    },
  };
});

let off: (() => void) | null = null;
afterEach(() => {
  off?.();
  calls.length = 0;
  useFleet.setState({ grabbed: null, pressed: [] });
  useSticky.setState({ on: [] });
});

const keys = (): string[] =>
  calls
    .filter((c) => c.channel === 'fleet.input')
    .map((c) => {
      const i = c.req.input!;
      return `${c.req.host}:${i.type === 'key' ? `${i.code}${i.down ? 'v' : '^'}` : i.type}`;
    });

describe('sticky modifiers on a remote VM', () => {
  it('presses Ctrl on the owning host and lets it go there after the next key', async () => {
    off = installStickyRelease();
    const ref = { host: 'b', id: 1 };
    useFleet.setState({ grabbed: ref, pressed: [] });
    const send = (i: InputRequest): void => void remoteInput(ref, i);
    toggleSticky(send, 1, 'Ctrl');
    expect(useSticky.getState().on).toEqual(['Ctrl']);
    // A store change of the local console (no local grab) does not end the remote combo.
    useInput.setState({ held: {} });
    expect(useSticky.getState().on).toEqual(['Ctrl']);
    await remoteInput(ref, { endpoint: 1, type: 'key', code: 35, down: true });
    await remoteInput(ref, { endpoint: 1, type: 'key', code: 35, down: false });
    await new Promise((r) => setTimeout(r, 0));
    // Ctrl is held while the key goes down (the chord), then both go up (as locally, the
    // release starts on the key's own release, before its key-up is sent).
    expect(keys().slice(0, 2)).toEqual(['b:29v', 'b:35v']);
    expect(keys().slice(2).sort()).toEqual(['b:29^', 'b:35^']);
    expect(useSticky.getState().on).toEqual([]);
  });

  it('forgets the combo when the remote grab ends (the ungrab released the keys)', () => {
    off = installStickyRelease();
    const ref = { host: 'b', id: 1 };
    useFleet.setState({ grabbed: ref, pressed: [] });
    toggleSticky((i) => void remoteInput(ref, i), 1, 'Alt');
    useFleet.setState({ grabbed: null, pressed: [] });
    expect(useSticky.getState().on).toEqual([]);
    expect(keys()).toEqual(['b:56v']);
  });
});
