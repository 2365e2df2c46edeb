/*
 * Issue 9 item 4: an attached VM (a QEMU someone else started) that declares its display in
 * the configuration (`vnc`: a Unix socket) gets the same live screen and screenshot as a
 * managed VM, through the same relay; and when it has no absolute pointer (no tablet: QEMU
 * lists only the PS/2 mouse), the console is told so instead of failing silently.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/host/config';
import { decodePng } from '../../src/main/host/display/png';
import { HostService } from '../../src/main/host/host-service';
import { findQemu, guestPaths } from '../../src/main/host/launcher';
import { type WebHost, startWebHost } from '../../src/main/serve';
import { ensureGuest } from '../helpers/guest';
import { listeningTcpPorts } from '../helpers/proc-net';
import { openWs, rfbHandshake, wsPipe } from '../helpers/rfb-client';
import { until } from '../helpers/until';

const guest = ensureGuest();
const TOKEN = 'attached-display-operator-token';
let dir = '';
let qemu: ChildProcess | null = null;
let host: HostService | null = null;
let web: WebHost | null = null;

beforeAll(async () => {
  if (!guest.ok) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-attached-display-'));
  const qmp = path.join(dir, 'vm2.qmp');
  const vnc = path.join(dir, 'vm2.vnc');
  const g = guestPaths();
  // Started "by someone else": no tablet, its VNC on a Unix socket of its own choosing.
  qemu = spawn(
    findQemu(),
    [
      ...['-accel', process.env.VMSIG_ACCEL === 'kvm' ? 'kvm' : 'tcg', '-m', '128M', '-display', 'none'],
      ...['-qmp', `unix:${qmp},server=on,wait=off`, '-vnc', `unix:${vnc}`, '-nic', 'none'],
      ...['-kernel', g.kernel, '-initrd', g.initrd, '-append', 'console=ttyS0 quiet'],
    ],
    { stdio: 'ignore' },
  );
  await until(() => fs.existsSync(qmp) && fs.existsSync(vnc), 15_000, 'QEMU sockets');
  const file = path.join(dir, 'config.json');
  const config = {
    socket: path.join(dir, 'control.sock'),
    vms: [{ id: 2, name: 'elsewhere', qmp: 'vm2.qmp', vnc: 'vm2.vnc' }],
    controls: [
      {
        name: 'operator',
        principal: 1,
        token: TOKEN,
        caps: ['OBSERVE', 'INPUT'],
        endpoints: 'all',
        leasePrio: 1,
        console: true,
      },
    ],
    journal: false,
  };
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  host = await HostService.start({ config: loadConfig(file), log: () => {} });
  fs.mkdirSync(path.join(dir, 'ui'));
  fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html>');
  web = await startWebHost({ host, rendererDir: path.join(dir, 'ui'), log: () => {} });
}, 60_000);

afterAll(async () => {
  await web?.stop();
  await host?.stop();
  if (qemu?.pid && qemu.exitCode === null) {
    qemu.kill('SIGKILL');
    await new Promise((r) => qemu!.once('exit', r));
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const origin = (): string => `http://127.0.0.1:${web!.port}`;

describe.skipIf(!guest.ok)('an attached VM with a declared display', () => {
  it('the configuration resolves `vnc` beside it and the console lists a display for the VM', () => {
    expect(host!.vms()[0]).toMatchObject({
      id: 2,
      kind: 'attached',
      vnc: { kind: 'unix', path: path.join(dir, 'vm2.vnc') },
    });
    expect(web!.service.snapshot().vms[0]!.vnc).not.toBeNull();
  });

  it('shows its screen through the relay, and says it has no absolute pointer', async () => {
    await until(() => host!.vms()[0]!.state === 'attached', 10_000, 'attached');
    let t: { ticket: string; pointer: string } | null = null;
    // QMP may still be connecting: the pointer is "unknown" until query-mice answers.
    for (let i = 0; i < 30 && t?.pointer !== 'relative-only'; i++) {
      const res = await fetch(`${origin()}/display/ticket/2`, {
        method: 'POST',
        headers: { 'X-Vmsig-Token': web!.token },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      t = (await res.json()) as { ticket: string; pointer: string };
      if (t.pointer !== 'relative-only') await new Promise((r) => setTimeout(r, 500));
    }
    expect(t!.pointer).toBe('relative-only');
    const p = wsPipe(await openWs(`ws://127.0.0.1:${web!.port}/display/2?ticket=${t!.ticket}`, origin()));
    const size = await rfbHandshake(p);
    expect(size.width).toBeGreaterThan(0);
    const req = Buffer.alloc(10);
    req[0] = 3;
    req.writeUInt16BE(size.width, 6);
    req.writeUInt16BE(size.height, 8);
    p.send(req);
    expect((await p.read(1))[0]).toBe(0); // a FramebufferUpdate: the screen is live
    p.close();
  });

  it('takes its screenshot from the relay, and its QEMU got no TCP port from us', async () => {
    const res = await fetch(`${origin()}/display/screenshot/2`, { headers: { 'X-Vmsig-Token': web!.token } });
    expect(res.status).toBe(200);
    const png = decodePng(Buffer.from(await res.arrayBuffer()));
    expect(png.width * png.height).toBeGreaterThan(0);
    expect(listeningTcpPorts(qemu!.pid!)).toEqual([]);
  });
});
