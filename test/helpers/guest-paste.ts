/*
 * A long paste into the test guest, judged by what the guest echoes on ttyS0: `cat >
 * /dev/ttyS0` runs on tty1, lines are typed as keys through the core (a window of them in
 * flight, as a paste does), and every line cat wrote back is compared with the one typed.
 * Shared by the keyboard integration test and the QEMU bench.
 */
import { InputKind } from '../../src/shared/model';
import { keyStrokes, type TestControl } from './adapters-harness';
import type { TestVm } from './guest';

/** What a paste achieved. */
export interface PasteResult {
  /** Characters typed (newlines included). */
  chars: number;
  /** Key events submitted (press and release each count). */
  keyEvents: number;
  /** Characters of the typed lines that did not come back on ttyS0 (or came back wrong). */
  lost: number;
  /** Lines that came back different from the line typed. */
  badLines: number;
  /** The first few lines that came back wrong: typed, then echoed. */
  samples: [string, string][];
  /** Key events per second, first submit to last ACT_ACK. */
  keysPerS: number;
  /** ACT_ACK error codes seen other than OK. */
  errors: number[];
}

/** `n` lines of `width` characters, each unique and self-describing: `L0007 abcd…`. */
export function pasteLines(n: number, width: number): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 ';
  return Array.from({ length: n }, (_, i) => {
    const head = `l${String(i).padStart(4, '0')} `;
    let body = '';
    for (let k = 0; body.length < width - head.length; k++)
      body += alphabet[(i * 7 + k * 13) % alphabet.length];
    return head + body;
  });
}

/** Sends key events with up to `window` awaiting their ACT_ACK; resolves with the non-OK codes. */
async function sendKeys(
  control: TestControl,
  endpoint: number,
  keys: { code: number; value: number }[],
  window: number,
): Promise<number[]> {
  const errors: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < keys.length) {
      const k = keys[next++]!;
      const ack = await control.input(endpoint, InputKind.KEY, k.code, k.value);
      if (ack.err !== 0) errors.push(ack.err);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return errors;
}

/** Ctrl+D: ends the guest's `cat`. */
const CTRL_D = [
  { code: 29, value: 1 },
  { code: 32, value: 1 },
  { code: 32, value: 0 },
  { code: 29, value: 0 },
];

/**
 * Types `lines` into the guest's tty1 shell through `control` (which must hold the INPUT
 * lease) and compares what `cat` echoed on ttyS0. `window` keys are in flight at once (the
 * INPUT adapter's lane paces them; it answers BUSY past 256).
 */
export async function pasteIntoGuest(
  vm: Pick<TestVm, 'handle' | 'waitForSerial'>,
  control: TestControl,
  endpoint: number,
  lines: string[],
  window = 64,
): Promise<PasteResult> {
  const tag = `P${Date.now() % 100000}`;
  const errors = await sendKeys(
    control,
    endpoint,
    keyStrokes(`\necho ${tag}-GO > /dev/ttyS0; cat > /dev/ttyS0\n`),
    1,
  );
  const go = await vm.waitForSerial(`${tag}-GO`, { timeoutMs: 30_000 });
  const text = `${lines.join('\n')}\n`;
  const keys = keyStrokes(text);
  const t0 = performance.now();
  errors.push(...(await sendKeys(control, endpoint, keys, window)));
  const ms = performance.now() - t0;
  errors.push(
    ...(await sendKeys(control, endpoint, [...CTRL_D, ...keyStrokes(`echo ${tag}-END > /dev/ttyS0\n`)], 1)),
  );
  const end = await vm.waitForSerial(`${tag}-END`, { since: go.end, timeoutMs: 60_000 });
  const echoed = vm.handle.serial
    .text(go.end)
    .slice(0, end.end - go.end)
    .split(/\r?\n/)
    .map((l) => l.replace(/\r/g, ''));
  const byHead = new Map(echoed.filter((l) => /^l\d{4} /.test(l)).map((l) => [l.slice(0, 5), l]));
  let lost = 0;
  let badLines = 0;
  const samples: [string, string][] = [];
  for (const line of lines) {
    const got = byHead.get(line.slice(0, 5)) ?? '';
    if (got !== line) {
      badLines++;
      if (samples.length < 3) samples.push([line, got]);
      lost += Math.max(1, line.length - got.length);
    }
  }
  return {
    chars: text.length,
    keyEvents: keys.length,
    lost,
    badLines,
    samples,
    keysPerS: keys.length / (ms / 1000),
    errors,
  };
}
