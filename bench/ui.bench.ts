/*
 * The console UI under load, in real Chromium against the real headless web host:
 * (1) the timeline at 10 000 and 50 000 events/s for 10 s each — median frames/s, long
 * tasks, events counted, renderer heap — beside the same page idle, then the highest rate
 * that still holds 55 fps. Input latency from the page has its own bench
 * (input-latency.bench.ts). Needs `npm run build` (out/renderer).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Page } from '@playwright/test';
import { Cap, ErrorCode, Kind, Prio, Source, encodeActAck, encodeCursor } from '../src/shared/model';
import { Core, maskOf } from '../src/main/core';
import { attachVm } from '../src/main/adapters/attach-vm';
import type { ConsoleHostPort } from '../src/main/host/console';
import { startWebHost } from '../src/main/serve';
import { FakeQmpServer } from '../test/helpers/fake-qmp-server';
import { launchBrowser } from '../e2e/harness/browser';
import { ConsolePage } from '../e2e/pages/console-page';
import type { Reporter } from './lib/reporter';

/** The earlier figure, kept for comparison, and the goal (issue 12): 55 fps median at 50 000/s. */
const BASE_RATE = 10_000;
const RATE = 50_000;
const FLOOD_S = 10;
/** Rates tried (3 s each) for the highest that still holds a 55 fps median. */
const LADDER = [20_000, 30_000, 50_000, 75_000, 100_000, 150_000];
const LADDER_S = 3;
const FPS_GOAL = 55;
/** Events emitted per event-loop turn at most. */
const CHUNK = 2_000;
const IDLE_S = 5;
const clock = { nowNs: () => Number(process.hrtime.bigint()) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// In-page code is passed as source text: it runs in Chromium, not under tsx (whose helpers
// it must not reference) and not under this file's Node typings.
// Frames are counted per 500 ms window, so the median is over windows, not one average.
const INSTALL_PROBE = `(() => {
  const p = (window.__probe = { frames: 0, windows: [], long: [], t0: performance.now(), w0: performance.now() });
  const tick = (t) => {
    p.frames++;
    if (t - p.w0 >= 500) { p.windows.push((p.frames * 1000) / (t - p.w0)); p.frames = 0; p.w0 = t; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__probe.long.push(e.duration))).observe({ type: 'longtask' });
  // Long animation frames name the scripts that ran in them (which long task was what).
  p.loaf = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => {
    if (e.duration <= 50) return;
    const scripts = e.scripts.map((s) => ({ d: Math.round(s.duration), inv: s.invoker, fn: s.sourceFunctionName, at: s.sourceCharPosition, layout: Math.round(s.forcedStyleAndLayoutDuration) }));
    p.loaf.push({ d: Math.round(e.duration), block: Math.round(e.blockingDuration), render: Math.round(e.renderStart ? e.startTime + e.duration - e.renderStart : 0), style: Math.round(e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0), scripts });
  })).observe({ type: 'long-animation-frame' });
})()`;
const READ_PROBE = `(() => {
  const p = window.__probe;
  const w = [...p.windows].sort((a, b) => a - b);
  const out = { fps: w.length ? w[Math.floor(w.length / 2)] : 0, minFps: w.length ? w[0] : 0, longTasks: p.long.length, longestMs: Math.max(0, ...p.long), loaf: p.loaf.sort((a, b) => b.d - a.d).slice(0, 5) };
  p.windows = []; p.long = []; p.loaf = []; p.t0 = performance.now();
  return out;
})()`;

/** One long animation frame as the probe keeps it. */
interface LongFrame {
  d: number;
  block: number;
  render: number;
  scripts: { d: number; inv: string; layout: number }[];
}

/** What took the time in a long frame: the scripts that ran (and their forced layout), the rendering, the rest. */
function frameNote(f: LongFrame | undefined): string {
  if (!f) return 'none over 50 ms';
  const scripts = f.scripts.map((s) => `${s.inv} ${s.d} ms${s.layout ? ` (layout ${s.layout})` : ''}`);
  const inScripts = f.scripts.reduce((n, s) => n + s.d, 0);
  return `${f.d} ms: ${scripts.length ? scripts.join(', ') : 'no script'}, rendering ${f.render} ms, ${Math.max(0, f.d - inScripts - f.render)} ms in neither (GC, or the thread not scheduled)`;
}

interface Probe {
  /** Median of the 500 ms windows' frame rates. */
  fps: number;
  minFps: number;
  longTasks: number;
  longestMs: number;
  /** The longest animation frames over 50 ms, with the scripts that ran in them. */
  loaf: LongFrame[];
}

/** Installs frame and long-task counters in the page; returns a reader (and reset) of fps, long tasks, longest. */
async function pageProbe(page: Page): Promise<() => Promise<Probe>> {
  await page.evaluate(INSTALL_PROBE);
  return () => page.evaluate(READ_PROBE) as Promise<Probe>;
}

/** Events the page counted as received (live and history, not state or gap rows). */
async function receivedCount(page: Page): Promise<number> {
  const text = (await page.getByLabel('Event count').textContent()) ?? '';
  return Number(/(\d+) received/.exec(text)?.[1] ?? NaN);
}

/** Floods at `rate` for `seconds` and measures the page meanwhile; waits for the tail to arrive. */
async function measureFlood(
  core: Core,
  page: Page,
  probe: () => Promise<Probe>,
  rate: number,
  seconds: number,
): Promise<Probe & { sent: number; received: number; achieved: number }> {
  const before = await receivedCount(page);
  await probe();
  const sent = await flood(core, rate, seconds);
  const loaded = await probe();
  let received = 0;
  for (let i = 0; i < 40; i++) {
    await sleep(250);
    received = (await receivedCount(page)) - before;
    if (received >= sent) break;
  }
  return { ...loaded, sent, received, achieved: Math.round(sent / seconds) };
}

async function heapMiB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / (1024 * 1024);
}

/** Emits `rate` events/s (ACT_ACK, every 10th a CURSOR_STATE) on endpoint 2 for `seconds`. */
async function flood(core: Core, rate: number, seconds: number): Promise<number> {
  const acks = core.registerAdapter({
    source: Source.VMHOST,
    endpoint: 2,
    defaultPrio: Prio.NORMAL,
    codec: 0,
    handle: () => {},
  });
  const cursor = core.registerAdapter({
    source: Source.FRAME,
    endpoint: 2,
    defaultPrio: Prio.BULK,
    codec: 0,
    handle: () => {},
  });
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    // At most CHUNK events per turn, then the event loop turns (the console drains): a VM's
    // events arrive from sockets between turns too, never 10 000 in one synchronous burst
    // when this loaded machine stalls the timer.
    const target = Math.floor(((performance.now() - start) / 1000) * rate);
    const due = Math.min(sent + CHUNK, target);
    for (; sent < due; sent++) {
      if (sent % 10 === 0)
        cursor.emit({
          kind: Kind.CURSOR_STATE,
          inln: encodeCursor({ x: sent % 640, y: sent % 480, visible: 1, seq: sent }),
        });
      else
        acks.emit({
          kind: Kind.ACT_ACK,
          inln: encodeActAck({ ok: 1, err: ErrorCode.OK, cmdKind: Kind.CMD_INPUT, detail: sent }),
        });
    }
    await (target > sent ? new Promise((r) => setImmediate(r)) : sleep(5));
  }
  acks.unregister();
  cursor.unregister();
  return sent;
}

/** Runs the benchmark. */
export async function run(report: Reporter): Promise<void> {
  const fake = await FakeQmpServer.start();
  fake.script = (cmd, conn) => {
    if (cmd.execute === 'query-status')
      return conn.reply(cmd, { status: 'running', running: true, singlestep: false });
    conn.reply(cmd);
  };
  const core = new Core({ clock });
  core.addEndpoint(2, 'flood');
  const vm = await attachVm(core, { endpoint: 1, name: 'bench', qmpPath: fake.path, log: () => {} });
  const operator = {
    name: 'operator',
    principal: 1,
    caps: Cap.OBSERVE | Cap.INPUT | Cap.VM,
    grant: maskOf([1, 2]),
    leasePrio: 10,
  };
  const host: ConsoleHostPort = {
    core,
    vms: () => [
      {
        id: 1,
        name: 'bench',
        kind: 'attached',
        state: 'attached',
        error: null,
        vnc: null,
        serialPath: null,
      },
    ],
    hostOp: async () => {},
    consoleControl: () => operator,
    readiness: () => ({ qemu: null, guest: null }),
    nowNs: () => clock.nowNs(),
  };
  const web = await startWebHost({ host, log: () => {} });
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const ui = new ConsolePage(page);
    await ui.open(web.url);
    for (let i = 0; i < 100 && !core.seamUp(1, Source.INPUT); i++) await sleep(50);
    if (!core.seamUp(1, Source.INPUT)) throw new Error('the INPUT seam of the bench VM never came up');

    const probe = await pageProbe(page);
    const heapBefore = await heapMiB(page);
    await probe();
    await sleep(IDLE_S * 1000);
    const idle = await probe();
    const base = await measureFlood(core, page, probe, BASE_RATE, FLOOD_S);
    const heapBase = await heapMiB(page);
    const cdp = process.env.VMSIG_UI_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
    const strip = (): Promise<{ draws: number; ms: number }> =>
      page.evaluate('window.__vmsigStrip ?? { draws: 0, ms: 0 }') as Promise<{ draws: number; ms: number }>;
    const stripBefore = await strip();
    // A picture of the strip under load, when asked for (VMSIG_UI_STRIP_SHOT=file.png).
    const shotPath = process.env.VMSIG_UI_STRIP_SHOT;
    const shot = shotPath
      ? sleep(FLOOD_S * 800).then(() => page.locator('canvas.activity-strip').screenshot({ path: shotPath }))
      : Promise.resolve();
    const loadBefore = loadavg()[0]!;
    const goal = await measureFlood(core, page, probe, RATE, FLOOD_S);
    const loadAfter = loadavg()[0]!;
    await shot;
    const stripAfter = await strip();
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(process.env.VMSIG_UI_PROFILE!, JSON.stringify(profile));
      await cdp.detach();
    }
    if (process.env.VMSIG_UI_LOAF)
      process.stderr.write(`${JSON.stringify({ base: base.loaf, goal: goal.loaf }, null, 1)}\n`);
    const heapAfter = await heapMiB(page);
    const fpsNote = (m: Probe): string => `median of 500 ms windows; lowest window ${m.minFps.toFixed(1)}`;
    report(
      'ui.timeline.fps_10k',
      base.fps,
      'frames/s',
      `${BASE_RATE} events/s for ${FLOOD_S} s (the earlier figure: 53.8 average); ${fpsNote(base)}; idle page ${idle.fps.toFixed(1)}`,
    );
    report(
      'ui.timeline.fps',
      goal.fps,
      'frames/s',
      `${RATE} events/s asked for ${FLOOD_S} s, ${goal.achieved}/s emitted by the host process; ${fpsNote(goal)}; goal ≥ ${FPS_GOAL}`,
    );
    report(
      'ui.timeline.long_tasks',
      goal.longTasks,
      'tasks',
      `over 50 ms at ${RATE}/s; longest ${goal.longestMs.toFixed(0)} ms (at ${BASE_RATE}/s: ${base.longTasks}, idle ${idle.longTasks}); longest frame: ${frameNote(goal.loaf[0])}; machine load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${cpus().length} CPUs`,
    );
    report(
      'ui.timeline.events_counted',
      goal.received,
      'events',
      `sent ${goal.sent} at ${RATE}/s (${goal.received === goal.sent ? 'every one counted' : `MISSING ${goal.sent - goal.received}`}); at ${BASE_RATE}/s ${base.received} of ${base.sent}`,
    );
    const draws = stripAfter.draws - stripBefore.draws;
    report(
      'ui.strip.draw_ms',
      draws ? (stripAfter.ms - stripBefore.ms) / draws : NaN,
      'ms',
      `mean canvas draw of the activity strip at ${RATE}/s (${draws} draws, 4 a second); its per-event feed cost is inside the fps figures`,
    );
    report('ui.renderer.heap_before', heapBefore, 'MiB', 'after load, after GC');
    report(
      'ui.renderer.heap_after',
      heapAfter,
      'MiB',
      `after ${base.sent + goal.sent} events, after GC (after the ${BASE_RATE}/s run: ${heapBase.toFixed(1)} MiB); JS heap only: the ring's 10 MB ArrayBuffer is allocated at load, off-heap`,
    );
    let best = 0;
    const ladder: string[] = [];
    for (const rate of LADDER) {
      const m = await measureFlood(core, page, probe, rate, LADDER_S);
      ladder.push(
        `${rate / 1000}k (${(m.achieved / 1000).toFixed(0)}k emitted): ${m.fps.toFixed(0)} fps${m.received < m.sent ? ` (${m.sent - m.received} not counted)` : ''}`,
      );
      if (m.fps < FPS_GOAL || m.received < m.sent) break;
      best = Math.max(best, m.achieved);
    }
    report(
      'ui.timeline.max_rate_55fps',
      best,
      'events/s',
      `highest emitted rate (${LADDER_S} s each) holding a ${FPS_GOAL} fps median with every event counted: ${ladder.join(', ')}`,
    );
  } finally {
    await browser.close();
    await web.stop();
    await vm.detach();
    await fake.dispose();
  }
}
