/*
 * Debian's Chromium driven over the bare DevTools protocol, for the input latency bench: only
 * the Page, Runtime and Input domains, never Network. Playwright enables Network on every
 * page, and then each WebSocket frame a page sends is also reported, payload and all, to the
 * driver while the key is on its way: an operator's browser has no such observer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/harness/browser';

type Params = Record<string, unknown>;

/** One tab, attached in its own flat session. */
export interface RawPage {
  send<T = Params>(method: string, params?: Params): Promise<T>;
  /** The value of `expression` in the page (awaited when it is a promise). */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Waits until `expression` is truthy in the page. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** A real mouse click (pressed and released) at the centre of the element `selector` names. */
  click(selector: string): Promise<void>;
  /** Key A down or up, as a keyboard would send it; resolves once the page has handled it. */
  keyA(down: boolean): Promise<void>;
  /** The next DevTools event `method` of this page's session. */
  next(method: string): Promise<Params>;
  /** Brings the tab to the front (key events go to the focused element of the front tab). */
  front(): Promise<void>;
}

/** Launches Chromium on a fresh profile with a DevTools port; close() ends it and removes the profile. */
export async function launchRawChromium(): Promise<{
  newPage(url: string): Promise<RawPage>;
  close(): Promise<void>;
}> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-chromium-'));
  const proc: ChildProcess = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_ARGS,
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      '--window-size=1400,900',
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  const portFile = path.join(profile, 'DevToolsActivePort');
  for (let i = 0; !fs.existsSync(portFile) || fs.readFileSync(portFile, 'utf8').split('\n').length < 2; i++) {
    if (i > 200 || proc.exitCode !== null) {
      // Nothing of this launch stays behind: the process (by its PID) and its profile.
      if (proc.exitCode === null) proc.kill('SIGKILL');
      fs.rmSync(profile, { recursive: true, force: true });
      throw new Error('Chromium did not open its DevTools port');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const [port, wsPath] = fs.readFileSync(portFile, 'utf8').split('\n');
  const ws = new WebSocket(`ws://127.0.0.1:${port}${wsPath}`, { perMessageDeflate: false });
  await once(ws, 'open');

  let nextId = 0;
  const waiting = new Map<number, { resolve(v: Params): void; reject(e: Error): void }>();
  const listeners: { sessionId: string; method: string; cb(p: Params): void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as {
      id?: number;
      result?: Params;
      error?: { message: string };
      method?: string;
      params?: Params;
      sessionId?: string;
    };
    if (m.id === undefined) {
      const i = listeners.findIndex((l) => l.method === m.method && l.sessionId === m.sessionId);
      if (i >= 0) listeners.splice(i, 1)[0]!.cb(m.params ?? {});
      return;
    }
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(m.error.message));
    else w?.resolve(m.result ?? {});
  });
  const send = <T>(method: string, params: Params = {}, sessionId?: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve: resolve as (v: Params) => void, reject });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });

  async function newPage(url: string): Promise<RawPage> {
    const { targetId } = await send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const page: RawPage = {
      send: (method, params) => send(method, params, sessionId),
      async evaluate<T>(expression: string) {
        const r = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>(
          'Runtime.evaluate',
          { expression, awaitPromise: true, returnByValue: true },
          sessionId,
        );
        if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.text}`);
        return r.result.value;
      },
      async waitFor(expression, timeoutMs = 20_000) {
        const until = Date.now() + timeoutMs;
        while (!(await page.evaluate(`!!(${expression})`))) {
          if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      async click(selector) {
        const at = await page.evaluate<{ x: number; y: number } | null>(`(() => {
          const el = document.querySelector(${JSON.stringify(selector)});
          if (!el) return null;
          const r = el.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        })()`);
        if (!at) throw new Error(`no element ${selector}`);
        for (const type of ['mousePressed', 'mouseReleased'])
          await page.send('Input.dispatchMouseEvent', { type, ...at, button: 'left', clickCount: 1 });
      },
      async keyA(down) {
        await page.send('Input.dispatchKeyEvent', {
          type: down ? 'keyDown' : 'keyUp',
          code: 'KeyA',
          key: 'a',
          windowsVirtualKeyCode: 65,
          ...(down ? { text: 'a' } : {}),
        });
      },
      next: (method) => new Promise((cb) => listeners.push({ sessionId, method, cb })),
      front: () => send('Page.bringToFront', {}, sessionId),
    };
    await page.send('Page.enable');
    await page.send('Page.navigate', { url });
    await page.waitFor(`document.readyState === 'complete' && location.href !== 'about:blank'`);
    return page;
  }

  return {
    newPage,
    async close() {
      ws.close();
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await once(proc, 'exit');
        clearTimeout(t);
      }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
