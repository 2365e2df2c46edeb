// Ungrab's releases are out before the lease can go: releasePressed resolves only once the
// VM's held-keys query (which the INPUT adapter answers after every input before it went
// out) has come back, not when the core merely took the key-ups.
import { beforeAll, describe, expect, it } from 'vitest';
import { useInput } from '../stores/input';
import { releasePressed } from './release-on-leave';

const log: string[] = [];
let answerQuery: (() => void) | null = null;

beforeAll(() => {
  // The page's API as the Electron preload exposes it: key sends answer at once (the core's
  // verdict); the held-keys query answers only when the test says (the adapter's lane drained).
  (globalThis as { window?: unknown }).window = {
    vmsig: {
      invoke: (channel: string, req: { code?: number; down?: boolean }) => {
        if (channel === 'input.send') {
          log.push(`send ${req.code} ${req.down ? 'down' : 'up'}`);
          return Promise.resolve({ ok: true, value: { accepted: true, err: '' } });
        }
        log.push(channel);
        return new Promise((r) => {
          answerQuery = () => r({ ok: true, value: { kind: 'INPUT_HELD', ok: true, err: '', fields: {} } });
        });
      },
      on: () => () => {},
    },
  };
});

describe('releasePressed', () => {
  it('releases newest first and resolves only after the held-keys query answered', async () => {
    useInput.setState({ grabbed: 1, pressed: [42, 29] });
    let done = false;
    const released = releasePressed().then((n) => ((done = true), n));
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['send 29 up', 'send 42 up', 'input.query']);
    expect(done, 'not before the adapter sent the releases').toBe(false);
    answerQuery!();
    expect(await released).toBe(2);
    expect(useInput.getState().pressed).toEqual([]);
  });

  it('a second call with nothing pressed waits for the first one’s releases', async () => {
    log.length = 0;
    useInput.setState({ grabbed: 1, pressed: [42] });
    const first = releasePressed();
    let secondDone = false;
    const second = releasePressed().then(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(secondDone).toBe(false);
    answerQuery!();
    await Promise.all([first, second]);
    expect(secondDone).toBe(true);
  });
});
