/*
 * `vmsig input type --layout` on the real guest: the guest loads the matching console keymap
 * (xkb's de/fr nodeadkeys compiled by ckbcomp into the guest by build-guest.sh, the layouts
 * QEMU's keymaps come from)
 * and the shell echoes what it received to the serial port, which must be the very text we
 * typed, accented letters and AltGr symbols included. Unknown layouts and a missing keymap
 * directory are clear errors.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { GUEST_READY, ensureGuest } from '../helpers/guest';

const BIN = path.resolve(__dirname, '../../bin/vmsig.mjs');
const TOKEN = 'layouts-operator';
const guest = ensureGuest();

type Run = { code: number; out: string; err: string };
const vmsig = (socket: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args, '--socket', socket],
      { env: { ...process.env, VMSIG_TOKEN: TOKEN, ...env } },
      (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });

async function waitFile(file: string, marker: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(marker))) {
    if (Date.now() > end)
      throw new Error(
        `no ${JSON.stringify(marker)} on serial within ${timeoutMs} ms; tail: ${JSON.stringify(fs.readFileSync(file, 'utf8').slice(-300))}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!guest.ok)('typing in the guest’s layout', () => {
  let dir: string;
  let host: HostService;
  let serial: string;
  let sock: string;
  /** Types `cmd` + Enter on `layout`; the command must succeed. */
  const type = async (layout: string, cmd: string): Promise<void> => {
    const r = await vmsig(sock, ['input', 'type', '--layout', layout, `${cmd}\n`, '--vm', '1']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  };
  /** Switches the guest's console keymap (typed on the keymap it has now). */
  const loadKeymap = async (now: string, next: string): Promise<void> => {
    const mark = `KMAP-${next}-${Date.now().toString(36)}`;
    await type(now, `loadkmap </etc/keymaps/${next}.bmap && echo ${mark} >/dev/ttyS0`);
    await waitFile(serial, mark, 20_000);
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-layouts-'));
    const cfg = path.join(dir, 'config.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        socket: 'run/control.sock',
        vms: [{ id: 1, name: 'demo', managed: { memoryMiB: 128 } }],
        controls: [
          {
            name: 'operator',
            principal: 1,
            token: TOKEN,
            caps: ['OBSERVE', 'INPUT'],
            endpoints: 'all',
            leasePrio: 10,
          },
        ],
      }),
    );
    host = await HostService.start({
      config: loadConfig(cfg),
      log: () => {},
      runtimeDir: path.join(dir, 'vms'),
    });
    serial = host.vms()[0]!.serialPath!;
    sock = host.socketPath;
    await waitFile(serial, GUEST_READY, 90_000);
    // The shell on tty1 may start after the ready line (a loaded TCG host): probe until it answers.
    for (let i = 0; ; i++) {
      const mark = `SHELL-UP-${i}`;
      await type('en-us', `echo ${mark} >/dev/ttyS0`);
      try {
        await waitFile(serial, mark, 10_000);
        break;
      } catch (e) {
        if (i === 5) throw e;
      }
    }
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('German text typed with --layout de arrives as the same characters', async () => {
    await loadKeymap('en-us', 'de');
    const text = 'DE: Grüße aus Köln, Äpfel Öl Übel ß @ € {x} [y] | ~ \\ ^ ° § µ <> yz YZ';
    await type('de', `echo '${text}' >/dev/ttyS0`);
    await waitFile(serial, `${text}\r\n`, 30_000);
  }, 90_000);

  it('French text typed with --layout fr arrives as the same characters', async () => {
    await loadKeymap('de', 'fr');
    const text = 'FR: où est la gare ? déjà ça, là-bas ; è é à ù ç @ # € ~ ^ {x} [y] | \\ ² § µ £ aq AQ wz';
    await type('fr', `echo '${text}' >/dev/ttyS0`);
    await waitFile(serial, `${text}\r\n`, 30_000);
    await loadKeymap('fr', 'en-us');
  }, 90_000);

  it('types 438 characters in six lines without losing one, and says how fast (ACT_ACK pacing)', async () => {
    const lines = Array.from({ length: 6 }, (_, l) =>
      Array.from({ length: 8 }, (_, w) => `L${l}w${w}Xy`).join(' '),
    );
    const text = lines.map((l) => `echo ${l} >/dev/ttyS0\n`).join('');
    const started = Date.now();
    const r = await vmsig(sock, ['input', 'type', text, '--vm', '1']);
    const ms = Date.now() - started;
    expect(r.code).toBe(0);
    console.info(
      `[layouts] typed ${text.length} characters in ${ms} ms: ${Math.round((text.length * 1000) / ms)} chars/s`,
    );
    for (const l of lines) await waitFile(serial, `${l}\r\n`, 30_000);
  }, 120_000);

  it('refuses an unknown layout, text the layout cannot type, and a missing keymap directory', async () => {
    let r = await vmsig(sock, ['input', 'type', '--layout', 'xx', 'hi', '--vm', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown layout "xx" \(one of: .*\bde\b/);
    r = await vmsig(sock, ['input', 'type', 'déjà', '--vm', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot type "é" "à" on the en-us layout/);
    r = await vmsig(sock, ['input', 'type', 'hi', '--vm', '1'], { VMSIG_KEYMAPS: '/nonexistent/keymaps' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\/nonexistent\/keymaps is missing \(Debian package qemu-system-data/);
  });
});
