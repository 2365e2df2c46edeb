/*
 * Input latency, key press → QMP `input-send-event` on the QMP socket (real web host, INPUT
 * adapter and QMP client; a scripted QMP peer): from real Chromium and, as the baseline in
 * the same run, from a Node WebSocket client, presses interleaved so both see the same load.
 * Needs `npm run build` (out/renderer).
 */
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { CDPSession, Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { Cap, Source } from '../src/shared/model';
import { Core, maskOf } from '../src/main/core';
import { attachVm } from '../src/main/adapters/attach-vm';
import type { ConsoleHostPort } from '../src/main/host/console';
import { startWebHost } from '../src/main/serve';
import { FakeQmpServer } from '../test/helpers/fake-qmp-server';
import { launchBrowser } from '../e2e/harness/browser';
import { ConsolePage } from '../e2e/pages/console-page';
import type { Reporter } from './lib/reporter';

const PRESSES = Number(process.env.VMSIG_BENCH_PRESSES ?? 200);
/** Wider than the INPUT adapter's key pacing, so each press measures one isolated key. */
const KEY_SPACING_MS = 25;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock-based ms with sub-ms resolution: comparable with the page's timeOrigin + now(). */
const wallMs = (): number => performance.timeOrigin + performance.now();

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const fmt = (xs: number[]): string =>
  `median ${quantile(xs, 0.5).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms`;

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
async function clockOffset(page: Page): Promise<{ offset: number; error: number }> {
  let best = { offset: 0, error: Infinity };
  for (let i = 0; i < 50; i++) {
    const t0 = wallMs();
    const pageT = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    const t1 = wallMs();
    if ((t1 - t0) / 2 < best.error) best = { offset: pageT - (t0 + t1) / 2, error: (t1 - t0) / 2 };
  }
  return best;
}

/** The page's cumulative main-thread ms: all tasks, script, layout, style recalculation. */
async function mainThreadMs(cdp: CDPSession): Promise<number[]> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  const get = (n: string): number => 1000 * (metrics.find((m) => m.name === n)?.value ?? 0);
  return [get('TaskDuration'), get('ScriptDuration'), get('LayoutDuration'), get('RecalcStyleDuration')];
}

/** Starts a Chromium trace of the page's timeline; stop() writes it as JSON to a file. */
function startTrace(cdp: CDPSession): { stop(file: string): Promise<void> } {
  const started = cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'],
    },
  });
  return {
    async stop(file) {
      await started;
      const done = new Promise<string>((r) => cdp.once('Tracing.tracingComplete', (e) => r(e.stream!)));
      await cdp.send('Tracing.end');
      const handle = await done;
      const chunks: string[] = [];
      for (;;) {
        const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle });
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

/** Runs the benchmark. */
export async function run(report: Reporter): Promise<void> {
  const fake = await FakeQmpServer.start();
  let keyWaiter: ((t: number) => void) | null = null;
  fake.script = (cmd, conn) => {
    if (cmd.execute === 'input-send-event') keyWaiter?.(wallMs());
    if (cmd.execute === 'query-status')
      return conn.reply(cmd, { status: 'running', running: true, singlestep: false });
    conn.reply(cmd);
  };
  const clock = { nowNs: () => Number(process.hrtime.bigint()) };
  const core = new Core({ clock });
  const vm = await attachVm(core, { endpoint: 1, name: 'bench', qmpPath: fake.path, log: () => {} });
  const operator = {
    name: 'operator',
    principal: 1,
    caps: Cap.OBSERVE | Cap.INPUT | Cap.VM,
    grant: maskOf([1]),
    leasePrio: 10,
  };
  const host: ConsoleHostPort = {
    core,
    vms: () => [
      { id: 1, name: 'bench', kind: 'attached', state: 'attached', error: null, vnc: null, serialPath: null },
    ],
    hostOp: async () => {},
    consoleControl: () => operator,
    readiness: () => ({ qemu: null, guest: null }),
    nowNs: () => clock.nowNs(),
  };
  // Whatever started is stopped, whichever step fails.
  const cleanup: (() => Promise<unknown> | void)[] = [() => fake.dispose(), () => vm.detach()];
  try {
    const web = await startWebHost({ host, log: () => {} });
    cleanup.push(() => web.stop());
    const browser = await launchBrowser();
    cleanup.push(() => browser.close());
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api`, {
      headers: { Origin: `http://127.0.0.1:${web.port}` },
    });
    cleanup.push(() => ws.close());
    const page = await browser.context.newPage();
    const ui = new ConsolePage(page);
    await ui.open(web.url);
    for (let i = 0; i < 100 && !core.seamUp(1, Source.INPUT); i++) await sleep(50);
    await page.evaluate(INSTALL_KEY_PROBE);
    await ui.grabButton().click();
    await ui.releaseButton().waitFor();
    if (process.env.X_TAB) await page.getByRole('tab', { name: process.env.X_TAB }).click();
    await ui.screen('bench').click();

    if (ws.readyState !== WebSocket.OPEN) await new Promise((r, j) => ws.once('open', r).once('error', j));
    ws.send(JSON.stringify({ t: 'hello', token: web.token })); // the API socket's first message
    let id = 0;
    const sendKey = (down: boolean): void =>
      ws.send(
        JSON.stringify({
          t: 'invoke',
          id: ++id,
          channel: 'input.send',
          request: { endpoint: 1, type: 'key', code: 30, down },
        }),
      );

    const child = await startKeyClient(web.port, web.token);
    cleanup.push(() => child.stop());

    // The floor Chromium itself sets: a page with nothing but a key listener and a WebSocket.
    const bare = await browser.context.newPage();
    await bare.goto(`${new URL(web.url).origin}/bare-page-for-the-bench`);
    await bare.evaluate(BARE_PAGE(web.port, web.token));
    await bare.waitForFunction('window.__bareReady === true');
    await page.bringToFront();

    const { offset, error } = await clockOffset(page);
    // The page's main-thread time (Chromium's own counters) over the presses: what a key
    // that lands mid-task waits for. VMSIG_BENCH_TRACE=FILE also writes a Chromium trace.
    const cdp = await page.context().newCDPSession(page);
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
    const wall0 = wallMs();
    const fromCdp: number[] = [];
    const fromPress: number[] = [];
    const toHandler: number[] = [];
    const fromHandler: number[] = [];
    const fromSocket: number[] = [];
    const fromProcess: number[] = [];
    const fromBare: number[] = [];
    for (let i = 0; i < PRESSES; i++) {
      for (const down of [true, false]) {
        // Both clients reach the adapter as the console's one control, which holds the
        // INPUT lease since the grab: the same gate, lane and QMP link for both.
        let got = new Promise<number>((r) => (keyWaiter = r));
        const t0 = wallMs();
        await (down ? page.keyboard.down('KeyA') : page.keyboard.up('KeyA'));
        const tQmp = await got;
        const stamps = (await page.evaluate('window.__keyStamps.splice(0)')) as number[];
        fromCdp.push(tQmp - t0);
        if (stamps.length === 2) {
          fromPress.push(tQmp - (stamps[0]! - offset));
          toHandler.push(stamps[1]! - stamps[0]!);
          fromHandler.push(tQmp - (stamps[1]! - offset));
        }
        await sleep(KEY_SPACING_MS);
        got = new Promise<number>((r) => (keyWaiter = r));
        const t1 = wallMs();
        sendKey(down);
        fromSocket.push((await got) - t1);
        await sleep(KEY_SPACING_MS);
        got = new Promise<number>((r) => (keyWaiter = r));
        await (down ? bare.keyboard.down('KeyA') : bare.keyboard.up('KeyA'));
        const tQmpBare = await got;
        const bareStamps = (await bare.evaluate('window.__keyStamps.splice(0)')) as number[];
        if (bareStamps.length === 2) fromBare.push(tQmpBare - (bareStamps[0]! - offset));
        await sleep(KEY_SPACING_MS);
        got = new Promise<number>((r) => (keyWaiter = r));
        const tSent = child.send(down);
        const tQmpChild = await got;
        fromProcess.push(tQmpChild - (await tSent));
        await sleep(KEY_SPACING_MS);
      }
    }
    const busy = (await mainThreadMs(cdp)).map((v, i) => v - before[i]!);
    const wall = wallMs() - wall0;
    if (tracing) await tracing.stop(process.env.VMSIG_BENCH_TRACE!);
    if (profiling) writeFileSync(profiling, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const nodeP99 = quantile(fromSocket, 0.99);
    const pressP99 = quantile(fromPress, 0.99);
    report(
      'input_latency.browser.p99',
      pressP99,
      'ms',
      `Chromium key event (its timestamp) → input-send-event, ${fmt(fromPress)}; clock offset ±${error.toFixed(2)} ms; baseline Node WS client ${fmt(fromSocket)}`,
    );
    report(
      'input_latency.page_main_thread.busy',
      (100 * busy[0]!) / wall,
      '%',
      `of ${(wall / 1000).toFixed(1)} s: script ${busy[1]!.toFixed(0)} ms, layout ${busy[2]!.toFixed(0)} ms, style ${busy[3]!.toFixed(0)} ms, all tasks ${busy[0]!.toFixed(0)} ms`,
    );
    report('input_latency.browser.median', quantile(fromPress, 0.5), 'ms', `${fromPress.length} key events`);
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
    report('input_latency.node.p99', nodeP99, 'ms', `baseline: Node WS client, ${fmt(fromSocket)}`);
    report('input_latency.browser_vs_node.p99_ratio', pressP99 / nodeP99, 'x', 'goal ≤ 2');
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
    report(
      'input_latency.bare_page_vs_node.p99_ratio',
      bareP99 / nodeP99,
      'x',
      'what Chromium adds over the in-process Node client',
    );
    const processP99 = quantile(fromProcess, 0.99);
    report(
      'input_latency.node_process.p99',
      processP99,
      'ms',
      `a Node WS client in its own process (as a script would be), its send → input-send-event: ${fmt(fromProcess)}`,
    );
    report(
      'input_latency.browser_vs_node_process.p99_ratio',
      pressP99 / processP99,
      'x',
      'the browser against a client that, like it, is another process than the host',
    );
    report(
      'input_latency.via_cdp.p99',
      quantile(fromCdp, 0.99),
      'ms',
      `from Playwright's keyboard call (adds the CDP hop into the browser), ${fmt(fromCdp)}`,
    );
    await ui.releaseButton().click();
  } finally {
    for (const stop of cleanup.reverse()) await stop();
  }
}
