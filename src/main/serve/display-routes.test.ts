import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standInHost } from '../../../test/helpers/stand-in-host';
import { displayRoute } from './display-routes';
import { type WebHost, startWebHost } from './web-host';

describe('displayRoute', () => {
  it('names the ticket, screenshot and socket routes of VMs 1..99 and nothing else', () => {
    expect(displayRoute('/display/ticket/3', '/display/ticket/3')).toEqual({ kind: 'ticket', endpoint: 3 });
    expect(displayRoute('/display/screenshot/12', '')).toEqual({ kind: 'screenshot', endpoint: 12 });
    const t = 'a'.repeat(43);
    expect(displayRoute('/display/7', `/display/7?ticket=${t}`)).toEqual({
      kind: 'socket',
      endpoint: 7,
      ticket: t,
    });
    expect(displayRoute('/display/7', '/display/7?ticket=<x>')).toMatchObject({ ticket: '' });
    expect(displayRoute('/display/7', `/display/7?ticket=${t}&x=1`)).toMatchObject({ ticket: '' });
    for (const p of [
      '/display/0',
      '/display/ticket/0',
      '/display/ticket/100',
      '/display/ticket/01',
      '/display',
      '/vnc/1',
    ])
      expect(displayRoute(p, p)).toBeNull();
  });
});

describe('display routes on the web host', () => {
  let web: WebHost;
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-display-routes-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    web = await startWebHost({ rendererDir: dir, log: () => {}, host: standInHost() });
  });
  afterEach(async () => {
    await web.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers wrong methods, unknown VMs and VMs without a display with statuses, and keeps serving', async () => {
    const o = `http://127.0.0.1:${web.port}`;
    const h = { 'X-Vmsig-Token': web.token };
    expect((await fetch(`${o}/display/ticket/1`, { headers: h })).status).toBe(405);
    expect((await fetch(`${o}/display/screenshot/1`, { method: 'POST', headers: h })).status).toBe(405);
    const noDisplay = await fetch(`${o}/display/ticket/1`, { method: 'POST', headers: h });
    expect(noDisplay.status).toBe(404);
    expect(await noDisplay.json()).toMatchObject({ code: 5 });
    expect((await fetch(`${o}/display/ticket/2`, { method: 'POST', headers: h })).status).toBe(403); // not granted
    expect(
      (
        await fetch(`${o}/display/ticket/1`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${web.token}` },
        })
      ).status,
    ).toBe(404);
    expect((await fetch(`${o}/`)).status).toBe(200);
  });
});
