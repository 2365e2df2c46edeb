// A remote ungrab gives the INPUT lease back only once the owning host sent the releases:
// its held-keys query (answered after every input before it) comes back first, also when a
// focus-out already sent them a moment before the Release click.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { releaseRemotePressed, remoteUngrab, useFleet } from './fleet';

const log: string[] = [];
let answerQuery: (() => void) | null = null;

beforeAll(() => {
  // The page's API as the Electron preload exposes it: inputs and the release answer at
  // once; the held-keys query only when the test says (the host's adapter lane drained).
  (globalThis as { window?: unknown }).window = {
    vmsig: {
      invoke: (channel: string, req: { input?: { code: number; down: boolean } }) => {
        if (channel === 'fleet.input') {
          log.push(`input ${req.input!.code} ${req.input!.down ? 'down' : 'up'}`);
          return Promise.resolve({ ok: true, value: { accepted: true, err: '' } });
        }
        log.push(channel);
        if (channel === 'fleet.query')
          return new Promise((r) => {
            answerQuery = () => r({ ok: true, value: { kind: 'INPUT_HELD', ok: true, err: '', fields: {} } });
          });
        return Promise.resolve({
          ok: true,
          value: { kind: 'LEASE_RELEASED', ok: true, err: '', fields: {} },
        });
      },
      on: () => () => {},
    },
  };
});

const ref = { host: 'b', id: 3 };
const tick = () => new Promise((r) => setTimeout(r, 10));
beforeEach(() => {
  log.length = 0;
  useFleet.setState({ grabbed: ref, pressed: [42, 29] });
});

describe('remote ungrab', () => {
  it('releases newest first and gives the lease back only after the host answered its query', async () => {
    const done = remoteUngrab(ref);
    await tick();
    expect(log).toEqual(['input 29 up', 'input 42 up', 'fleet.query']);
    answerQuery!();
    await done;
    expect(log.at(-1)).toBe('fleet.release');
    expect(useFleet.getState().grabbed).toBeNull();
  });

  it('waits for releases a focus-out sent a moment before', async () => {
    void releaseRemotePressed();
    const done = remoteUngrab(ref);
    await tick();
    expect(log).not.toContain('fleet.release');
    answerQuery!();
    await done;
    expect(log.filter((l) => l.startsWith('input'))).toEqual(['input 29 up', 'input 42 up']);
    expect(log.at(-1)).toBe('fleet.release');
  });
});
