/*
 * Input latency, key press → QMP `input-send-event` on the QMP socket (real web host, INPUT
 * adapter and QMP client; a scripted QMP peer), the host in a process of its own as `vmsig
 * serve` is: from real Chromium and, as the baseline in the same run, from a Node WebSocket
 * client in its own process, presses interleaved so all see the same load; also a bare page
 * (Chromium's floor) and a client inside the host's process. Needs `npm run build`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { type RawPage, launchRawChromium } from './lib/raw-cdp';
import { launchPlaywrightChromium } from './lib/playwright-page';
import type { Reporter } from './lib/reporter';
import { monoMs } from './lib/hr-clock';
import type { FromInputHost, ToInputHost } from './lib/input-host-child';

/** 2 000 key events per path: a p99 of fewer is a handful of outliers, and moves run to run. */
const PRESSES = Number(process.env.VMSIG_BENCH_PRESSES ?? 1000);
/** Wider than the INPUT adapter's key pacing, so each press measures one isolated key. */
const KEY_SPACING_MS = 25;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const fmt = (xs: number[]): string =>
  `median ${quantile(xs, 0.5).toFixed(2)} ms, p90 ${quantile(xs, 0.9).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms`;

// Runs in the page (source text, not under tsx): a capturing listener sees each key event
// before the console's own, and keeps the browser's timestamp of the press and the time
// the page's main thread got to run it.
const INSTALL_KEY_PROBE = `(() => {
  const stamps = (window.__keyStamps = []);
  for (const t of ['keydown', 'keyup'])
    window.addEventListener(t, (e) => {
      stamps.push(performance.timeOrigin + e.timeStamp, performance.timeOrigin + performance.now());
      // In a trace (VMSIG_BENCH_TRACE) the wait shows as a user timing span beside the tasks.
      performance.measure('key-wait', { start: e.timeStamp, end: performance.now() });
    }, true);
})()`;

/** The console says it is connected to its host (exactly "connected", not "disconnected"). */
const CONNECTED = `[...document.querySelectorAll('[role="status"]')].some((e) => e.getAttribute('aria-label') === 'Host connection' && e.textContent.trim() === 'connected')`;
/** The page expression for the button whose text is `text`. */
const BUTTON = (text: string): string =>
  `[...document.querySelectorAll('button')].find((b) => b.textContent.trim() === ${JSON.stringify(text)})`;

/** The bench's bare page: a capturing key probe (as above) and a listener that sends each key over its own WebSocket. */
const BARE_PAGE = (port: number, token: string): string => `(() => {
  const stamps = (window.__keyStamps = []);
  const ws = new WebSocket('ws://127.0.0.1:${port}/api');
  let id = 0;
  ws.onopen = () => { ws.send(JSON.stringify({ t: 'hello', token: ${JSON.stringify(token)} })); window.__bareReady = true; };
  for (const t of ['keydown', 'keyup'])
    window.addEventListener(t, (e) => {
      stamps.push(performance.timeOrigin + e.timeStamp, performance.timeOrigin + performance.now());
      ws.send(JSON.stringify({ t: 'invoke', id: ++id, channel: 'input.send', request: { endpoint: 1, type: 'key', code: 30, down: t === 'keydown' } }));
    }, true);
})()`;

/**
 * The page clock minus Node's (ms), from the page.evaluate round trip with the least time;
 * `error` is half that round trip, the most the offset can be off by.
 */
async function clockOffset(page: RawPage): Promise<{ offset: number; error: number }> {
  let best = { offset: 0, error: Infinity };
  for (let i = 0; i < 50; i++) {
    const t0 = monoMs();
    const pageT = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    const t1 = monoMs();
    if ((t1 - t0) / 2 < best.error) best = { offset: pageT - (t0 + t1) / 2, error: (t1 - t0) / 2 };
  }
  return best;
}

/** The page's cumulative main-thread ms: all tasks, script, layout, style recalculation. */
async function mainThreadMs(cdp: RawPage): Promise<number[]> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  const get = (n: string): number => 1000 * (metrics.find((m) => m.name === n)?.value ?? 0);
  return [get('TaskDuration'), get('ScriptDuration'), get('LayoutDuration'), get('RecalcStyleDuration')];
}

/** Starts a Chromium trace of the page's timeline; stop() writes it as JSON to a file. */
function startTrace(cdp: RawPage): { stop(file: string): Promise<void> } {
  const started = cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'],
    },
  });
  return {
    async stop(file) {
      await started;
      const done = cdp.next('Tracing.tracingComplete').then((e) => e.stream as string);
      await cdp.send('Tracing.end');
      const handle = await done;
      const chunks: string[] = [];
      for (;;) {
        const { data, eof, base64Encoded } = await cdp.send<{
          data: string;
          eof: boolean;
          base64Encoded?: boolean;
        }>('IO.read', { handle });
        chunks.push(base64Encoded ? Buffer.from(data, 'base64').toString() : data);
        if (eof) break;
      }
      await cdp.send('IO.close', { handle });
      writeFileSync(file, chunks.join(''));
    },
  };
}

/** The Node client in its own process (bench/lib/ws-key-client.ts); send() resolves to its wall ms just before the send. */
async function startKeyClient(
  port: number,
  token: string,
): Promise<{ send(down: boolean): Promise<number>; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'lib/ws-key-client.ts'),
      `ws://127.0.0.1:${port}/api`,
      `http://127.0.0.1:${port}`,
      token,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const next = (): Promise<string> => new Promise((r) => waiting.push(r));
  const ready = await Promise.race([next(), once(child, 'exit').then(() => 'exited')]);
  if (ready !== 'ready') throw new Error('the Node key client did not connect');
  return {
    send(down) {
      const line = next();
      child.stdin!.write(down ? '1\n' : '0\n');
      return line.then(Number);
    },
    async stop() {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** The host in a process of its own (bench/lib/input-host-child.ts). */
async function startHost(): Promise<{
  url: string;
  port: number;
  token: string;
  /** Resolves to the monotonic ms of the next `input-send-event`. */
  nextQmp(): Promise<number>;
  /** Sends a key from the client inside the host's process; resolves to its ms just before the send. */
  sendLocal(down: boolean): Promise<number>;
  stop(): Promise<void>;
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'lib/input-host-child.ts')],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const exited = once(child, 'exit');
  let qmpWaiter: ((t: number) => void) | null = null;
  let sentWaiter: ((t: number) => void) | null = null;
  const ready = new Promise<{ url: string; port: number; token: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`input bench host exited ${code}`)));
    child.on('message', (m: FromInputHost) => {
      if ('ready' in m) resolve(m.ready);
      else if ('qmp' in m) qmpWaiter?.(m.qmp);
      else sentWaiter?.(m.sent);
    });
  });
  const info = await ready;
  return {
    ...info,
    nextQmp: () => new Promise<number>((r) => (qmpWaiter = r)),
    sendLocal: (down) =>
      new Promise<number>((r) => {
        sentWaiter = r;
        child.send({ local: down } satisfies ToInputHost);
      }),
    async stop() {
      if (child.exitCode === null) child.send({ stop: true } satisfies ToInputHost);
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs the benchmark. */
export async function run(report: Reporter): Promise<void> {
  // Whatever started is stopped, whichever step fails.
  const cleanup: (() => Promise<unknown> | void)[] = [];
  try {
    const web = await startHost();
    cleanup.push(() => web.stop());
    // Bare DevTools by default: Playwright would report every WebSocket frame of the page to
    // this process while the key is on its way (VMSIG_BENCH_DRIVER=playwright shows how much).
    const viaPlaywright = process.env.VMSIG_BENCH_DRIVER === 'playwright';
    const browser = await (viaPlaywright ? launchPlaywrightChromium() : launchRawChromium());
    cleanup.push(() => browser.close());
    const page = await browser.newPage(web.url);
    await page.waitFor(CONNECTED);
    await page.evaluate(INSTALL_KEY_PROBE);
    await page.evaluate(`${BUTTON('Grab input')}.click()`);
    await page.waitFor(BUTTON('Release'));
    await page.click('[role="application"][aria-label="Screen of bench"]');

    const child = await startKeyClient(web.port, web.token);
    cleanup.push(() => child.stop());

    // The floor Chromium itself sets: a page with nothing but a key listener and a WebSocket.
    const bare = await browser.newPage(`${new URL(web.url).origin}/bare-page-for-the-bench`);
    await bare.evaluate(BARE_PAGE(web.port, web.token));
    await bare.waitFor('window.__bareReady === true');
    await page.front();

    const { offset, error } = await clockOffset(page);
    const bareClock = await clockOffset(bare);
    // The page's main-thread time (Chromium's own counters) over the presses: what a key
    // that lands mid-task waits for. VMSIG_BENCH_TRACE=FILE also writes a Chromium trace.
    const cdp = page;
    await cdp.send('Performance.enable');
    const tracing = process.env.VMSIG_BENCH_TRACE ? startTrace(cdp) : null;
    // VMSIG_BENCH_CPUPROFILE=FILE writes the page's JavaScript CPU profile (.cpuprofile).
    const profiling = process.env.VMSIG_BENCH_CPUPROFILE;
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const before = await mainThreadMs(cdp);
    const wall0 = monoMs();
    const fromCdp: number[] = [];
    const fromPress: number[] = [];
    const toHandler: number[] = [];
    const fromHandler: number[] = [];
    const fromProcess: number[] = [];
    const fromInHost: number[] = [];
    const fromBare: number[] = [];
    for (let i = 0; i < PRESSES; i++) {
      for (const down of [true, false]) {
        // Every client reaches the adapter as the console's one control, which holds the
        // INPUT lease since the grab: the same gate, lane and QMP link for all.
        let got = web.nextQmp();
        const t0 = monoMs();
        await page.keyA(down);
        const tQmp = await got;
        const stamps = await page.evaluate<number[]>('window.__keyStamps.splice(0)');
        fromCdp.push(tQmp - t0);
        if (stamps.length === 2) {
          fromPress.push(tQmp - (stamps[0]! - offset));
          toHandler.push(stamps[1]! - stamps[0]!);
          fromHandler.push(tQmp - (stamps[1]! - offset));
        }
        await sleep(KEY_SPACING_MS);
        got = web.nextQmp();
        const tSent = child.send(down);
        const tQmpChild = await got;
        fromProcess.push(tQmpChild - (await tSent));
        await sleep(KEY_SPACING_MS);
        got = web.nextQmp();
        await bare.keyA(down);
        const tQmpBare = await got;
        const bareStamps = await bare.evaluate<number[]>('window.__keyStamps.splice(0)');
        if (bareStamps.length === 2) fromBare.push(tQmpBare - (bareStamps[0]! - bareClock.offset));
        await sleep(KEY_SPACING_MS);
        got = web.nextQmp();
        const tLocal = web.sendLocal(down);
        const tQmpLocal = await got;
        fromInHost.push(tQmpLocal - (await tLocal));
        await sleep(KEY_SPACING_MS);
      }
    }
    const busy = (await mainThreadMs(cdp)).map((v, i) => v - before[i]!);
    const wall = monoMs() - wall0;
    if (tracing) await tracing.stop(process.env.VMSIG_BENCH_TRACE!);
    if (profiling)
      writeFileSync(
        profiling,
        JSON.stringify((await cdp.send<{ profile: unknown }>('Profiler.stop')).profile),
      );
    const nodeP99 = quantile(fromProcess, 0.99);
    const pressP99 = quantile(fromPress, 0.99);
    report(
      'input_latency.browser.p99',
      pressP99,
      'ms',
      `Chromium key event (its timestamp) → input-send-event, ${fmt(fromPress)}; clock offset ±${error.toFixed(2)} ms`,
    );
    report('input_latency.browser.median', quantile(fromPress, 0.5), 'ms', `${fromPress.length} key events`);
    report(
      'input_latency.node.p99',
      nodeP99,
      'ms',
      `baseline: a Node WS client in a process of its own, as a script is (its send → input-send-event), ${fmt(fromProcess)}`,
    );
    report('input_latency.browser_vs_node.p99_ratio', pressP99 / nodeP99, 'x', 'goal ≤ 2');
    report(
      'input_latency.page_main_thread.busy',
      (100 * busy[0]!) / wall,
      '%',
      `of ${(wall / 1000).toFixed(1)} s: script ${busy[1]!.toFixed(0)} ms, layout ${busy[2]!.toFixed(0)} ms, style ${busy[3]!.toFixed(0)} ms, all tasks ${busy[0]!.toFixed(0)} ms`,
    );
    report(
      'input_latency.browser.to_handler.p99',
      quantile(toHandler, 0.99),
      'ms',
      `the press waiting for the page's main thread before any console code runs (same page clock, no offset): ${fmt(toHandler)}`,
    );
    report(
      'input_latency.browser.from_handler.p99',
      quantile(fromHandler, 0.99),
      'ms',
      `the console's handler → input-send-event (the page's send, Chromium's network process, the host): ${fmt(fromHandler)}`,
    );
    const bareP99 = quantile(fromBare, 0.99);
    report(
      'input_latency.bare_page.p99',
      bareP99,
      'ms',
      `a page with only a key listener and a WebSocket to the same host (Chromium's own floor): ${fmt(fromBare)}`,
    );
    report(
      'input_latency.browser_vs_bare_page.p99_ratio',
      pressP99 / bareP99,
      'x',
      'what the console adds over that floor',
    );
    const inHostP99 = quantile(fromInHost, 0.99);
    report(
      'input_latency.node_in_host_process.p99',
      inHostP99,
      'ms',
      `a Node WS client inside the host's own process (no process hop at all), ${fmt(fromInHost)}`,
    );
    report(
      'input_latency.browser_vs_node_in_host_process.p99_ratio',
      pressP99 / inHostP99,
      'x',
      'the browser against a client that needs no other process to be scheduled',
    );
    report(
      'input_latency.via_cdp.p99',
      quantile(fromCdp, 0.99),
      'ms',
      `from the DevTools key call (adds the hop into the browser), ${fmt(fromCdp)}; driver: ${viaPlaywright ? 'Playwright' : 'bare DevTools'}`,
    );
    await page.evaluate(`${BUTTON('Release')}.click()`);
  } finally {
    for (const stop of cleanup.reverse()) await stop();
  }
}
