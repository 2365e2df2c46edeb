/*
 * An attached VM that declares its display (`vnc` in the configuration) shows a live screen
 * through the host's relay like a managed VM, and — its QEMU having no tablet — the screen
 * says that pointer input cannot reach it. QEMU and `vmsig serve` are the spec's own,
 * stopped by their PIDs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findQemu, guestPaths } from '../../src/main/host/launcher';
import { expect, test } from '../harness/fixtures';
import { OPERATOR_CONTROL } from '../harness/host';
import { ConsolePage } from '../pages/console-page';

const repo = path.resolve(import.meta.dirname, '../..');

/** Spawns `cmd`, and returns a stop that kills it by PID and waits. */
function start(
  cmd: string,
  args: string[],
  out?: (s: string) => void,
): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(cmd, args, {
    cwd: repo,
    stdio: ['ignore', out ? 'pipe' : 'ignore', out ? 'pipe' : 'ignore'],
  });
  child.stdout?.on('data', (d: Buffer) => out?.(d.toString()));
  child.stderr?.on('data', (d: Buffer) => out?.(d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

test('an attached VM with a declared vnc shows its screen, and says it has no tablet', async ({
  context,
  shell,
}) => {
  test.skip(shell !== 'web', 'one shell is enough: the relay and the notice are the same in both');
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-e2e-attached-vnc-'));
  const g = guestPaths();
  const qmp = path.join(dir, 'vm4.qmp');
  const vnc = path.join(dir, 'vm4.vnc');
  // Started by "someone else": its VNC on a Unix socket, the PS/2 mouse only.
  const qemu = start(findQemu(), [
    ...['-accel', 'tcg', '-m', '128M', '-display', 'none', '-nic', 'none'],
    ...['-qmp', `unix:${qmp},server=on,wait=off`, '-vnc', `unix:${vnc}`],
    ...['-kernel', g.kernel, '-initrd', g.initrd, '-append', 'console=ttyS0 quiet'],
  ]);
  let out = '';
  let serve: ReturnType<typeof start> | null = null;
  try {
    await expect.poll(() => fs.existsSync(qmp) && fs.existsSync(vnc), { timeout: 15_000 }).toBe(true);
    const config = path.join(dir, 'config.json');
    const doc = {
      socket: path.join(dir, 'control.sock'),
      vms: [{ id: 4, name: 'elsewhere', qmp: 'vm4.qmp', vnc: 'vm4.vnc' }],
      controls: [OPERATOR_CONTROL],
      journal: false,
    };
    fs.writeFileSync(config, JSON.stringify(doc), { mode: 0o600 });
    serve = start(
      process.execPath,
      [path.join(repo, 'bin/vmsig.mjs'), 'serve', '--config', config],
      (s) => (out += s),
    );
    await expect.poll(() => /console at (http:\/\/\S+)/.exec(out)?.[1], { timeout: 30_000 }).toBeTruthy();
    const url = /console at (http:\/\/\S+)/.exec(out)![1]!;
    const ui = new ConsolePage(await context.newPage());
    await ui.open(url);
    await ui.vmRow('elsewhere').click();
    await ui.waitForLiveScreen('elsewhere');
    await expect(ui.screen('elsewhere').getByRole('note')).toContainText('no absolute pointer', {
      timeout: 20_000,
    });
  } finally {
    await serve?.stop();
    await qemu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
