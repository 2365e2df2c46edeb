import { beforeEach, describe, expect, it } from 'vitest';
import type { SerialPush, VmsigApi } from '../../shared/ipc';

/** A host stand-in: VM 1's serial log (logical offsets from 0) and its run; reads may be held back. */
const fake = {
  log: '',
  run: 7 as number | null,
  listener: null as ((p: SerialPush) => void) | null,
  watched: [] as boolean[],
  reads: 0,
  /** Resolves the pending reads when called (set while reads are held). */
  hold: null as Promise<void> | null,
};
const b64 = (s: string): string => btoa(s);
const api = {
  async invoke(channel: string, req: { id: number; since?: number; watch?: boolean }) {
    if (channel === 'serial.watch') {
      fake.watched.push(req.watch!);
      return { ok: true, value: { watching: req.watch } };
    }
    fake.reads++;
    const since = req.since! > fake.log.length ? 0 : req.since!;
    const answer = { run: fake.run, source: `QEMU pid ${fake.run}`, start: since, next: fake.log.length };
    const text = fake.log.slice(since);
    if (fake.hold) await fake.hold;
    return { ok: true, value: { ...answer, base64: b64(text) } };
  },
  on(_channel: string, l: (p: SerialPush) => void) {
    fake.listener = l;
    return () => (fake.listener = null);
  },
} as unknown as VmsigApi;
(globalThis as unknown as { window: { vmsig: VmsigApi } }).window = { vmsig: api };
const { openSerialFeed } = await import('./serial-feed');

/** Appends `text` to the log and pushes it from `start` (default: where it was appended). */
function guestWrites(text: string, start = fake.log.length): void {
  fake.log += text;
  fake.listener?.({ id: 1, run: fake.run, source: '', start, base64: b64(fake.log.slice(start)) });
}
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

function open() {
  const shown: string[] = [];
  const runs: (number | null)[] = [];
  const stop = openSerialFeed(1, {
    data: (bytes) => shown.push(new TextDecoder().decode(bytes)),
    run: (run) => runs.push(run),
    gap: () => shown.push('[gap]'),
  });
  return { text: () => shown.join(''), runs, stop };
}

beforeEach(() => {
  Object.assign(fake, { log: '', run: 7, listener: null, watched: [], reads: 0, hold: null });
});

describe('the serial pane feed', () => {
  it('reads the scrollback once, then shows pushed output without reading again', async () => {
    fake.log = 'boot\n';
    const feed = open();
    await settle();
    expect(feed.text()).toBe('boot\n');
    const reads = fake.reads;
    guestWrites('login: ');
    guestWrites('root\n');
    expect(feed.text()).toBe('boot\nlogin: root\n');
    expect(fake.reads).toBe(reads);
    feed.stop();
    await settle();
    expect(fake.watched).toEqual([true, false]);
  });

  it('shows bytes a push repeats only once, and reads a hole back from the host', async () => {
    fake.log = 'abc';
    const feed = open();
    await settle();
    guestWrites('def', 1); // overlaps what it holds: only "def" is new
    expect(feed.text()).toBe('abcdef');
    // The host dropped bytes for this window (it was behind): the push starts past what it holds.
    fake.log += 'LOST';
    guestWrites('ghi');
    await settle();
    expect(feed.text()).toBe('abcdefLOSTghi');
  });

  it('reads on to output pushed while its read was under way, and shows it once', async () => {
    fake.log = 'one\n';
    let release!: () => void;
    fake.hold = new Promise((r) => (release = r));
    const feed = open();
    await settle();
    guestWrites('two\n'); // arrives before the read's answer, which does not hold it
    fake.hold = null;
    release();
    await settle();
    expect(feed.text()).toBe('one\ntwo\n');
  });

  it('starts over when QEMU restarts (a new run), from offset 0', async () => {
    fake.log = 'old run\n';
    const feed = open();
    await settle();
    fake.run = 8;
    fake.log = '';
    guestWrites('new run\n');
    await settle();
    expect(feed.runs).toEqual([7, 8]);
    expect(feed.text()).toBe('old run\nnew run\n');
  });
});
