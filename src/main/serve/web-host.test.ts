import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { unpackEventRecords } from '../../shared/ipc-records';
import { Kind } from '../../shared/model';
import { standInHost } from '../../../test/helpers/stand-in-host';
import { type WebHost, startWebHost } from './web-host';

let root: string;
let dir: string;
let web: WebHost;

beforeEach(async () => {
  // The renderer folder sits inside `root`; the secret beside it is what traversal would reach.
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-web-'));
  dir = path.join(root, 'renderer');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
  fs.writeFileSync(path.join(root, 'vmsig-web-secret.txt'), 'secret');
  web = await startWebHost({ rendererDir: dir, log: () => {}, host: standInHost() });
});

afterEach(async () => {
  await web.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${web.port}`;

/** GET / with a chosen Host header (fetch will not let a caller set Host). */
function statusWithHost(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: web.port, path: `/`, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

function connect(query: string, headers: Record<string, string> = { Origin: origin() }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api${query}`, { headers });
    // The API socket proves the token in its first message.
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', token: web.token })));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('headless web host', () => {
  it('prints a loopback URL with a long random token in the fragment, which browsers never send', () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{40,}$/);
  });

  it('serves the page with a strict CSP and never sets a cookie', async () => {
    const res = await fetch(web.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>console</title>');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${origin()}/?token=${web.token}`)).headers.get('set-cookie')).toBeNull();
  });

  it('refuses other hosts and paths outside the renderer', async () => {
    expect((await fetch(`${origin()}/..%2fvmsig-web-secret.txt`)).status).toBe(404);
    expect(await statusWithHost('evil.example:80')).toBe(403);
    expect(await statusWithHost(`localhost:${web.port}`)).toBe(200);
  });

  it('closes an API socket whose first message lacks the token, and refuses other origins', async () => {
    for (const hello of [
      '',
      JSON.stringify({ t: 'hello', token: 'wrong' }),
      JSON.stringify({ t: 'invoke', id: 1 }),
    ]) {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api`, { headers: { Origin: origin() } });
      const texts: string[] = [];
      ws.on('message', (d) => texts.push(String(d)));
      ws.once('open', () => ws.send(hello));
      const code = await new Promise<number>((resolve) => ws.once('close', resolve));
      expect(code).toBe(1008);
      expect(texts).toEqual([]);
    }
    await expect(connect('', { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('implements the API over the socket: invokes answer by id, events arrive as packed binary batches', async () => {
    const ws = await connect('');
    const texts: { t: string; id?: number; result?: { ok: boolean; value?: { kind?: string } } }[] = [];
    const batches: Buffer[] = [];
    ws.on('message', (data: Buffer, binary) =>
      binary ? batches.push(data) : texts.push(JSON.parse(String(data))),
    );
    ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'events.subscribe', request: { enabled: true } }));
    ws.send(
      JSON.stringify({
        t: 'invoke',
        id: 2,
        channel: 'lease.acquire',
        request: { endpoint: 1, cls: 'INPUT' },
      }),
    );
    ws.send(
      JSON.stringify({
        t: 'invoke',
        id: 3,
        channel: 'lease.acquire',
        request: { endpoint: 99, cls: 'INPUT' },
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(texts.find((m) => m.id === 2)?.result).toMatchObject({
      ok: true,
      value: { kind: 'LEASE_GRANTED' },
    });
    expect(texts.find((m) => m.id === 3)?.result).toMatchObject({ ok: false });
    expect(texts.some((m) => m.t === 'snapshot')).toBe(true);
    const kinds = batches.flatMap((b) => unpackEventRecords(new Uint8Array(b)).map((e) => e.kind));
    expect(kinds).toContain(Kind.LEASE_GRANTED);
    ws.close();
  });
});
