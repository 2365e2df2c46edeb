/*
 * Item 4 of issue 10: private files for real. Every directory the host keeps state in
 * (control socket, VM runtime files, journal) is refused when it already exists with
 * group/other access, another owner, or as a symbolic link; files are created without
 * following a link planted at their name; the control socket is 0600 whatever the umask;
 * the configuration file is checked like a token file; QEMU's own files (guest RAM, QMP
 * and VNC sockets, serial log) are the user's alone even under a permissive umask.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Core } from '../../src/main/core';
import { loadConfig, parseConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { lockJournalDir } from '../../src/main/host/journal';
import { SerialLog, launchVm } from '../../src/main/host/launcher';
import { createPrivateFile } from '../../src/main/platform';
import { ControlServer, tokenAuthenticator } from '../../src/main/wire';
import { ensureGuest } from '../helpers/guest';

const roots: string[] = [];
const isRoot = process.getuid?.() === 0;

afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-private-'));
  roots.push(d);
  return d;
}

function startServer(socketPath: string): Promise<ControlServer> {
  const clock = { nowNs: () => 0 };
  return ControlServer.start({
    core: new Core({ clock }),
    clock,
    log: () => {},
    socketPath,
    authenticate: tokenAuthenticator([]),
  });
}

describe('directories the host uses', () => {
  it('refuses a socket directory open to others, a linked one, or one someone else owns', async () => {
    const root = tmp();
    const open = path.join(root, 'open');
    fs.mkdirSync(open, { mode: 0o755 });
    fs.chmodSync(open, 0o755);
    await expect(startServer(path.join(open, 'control.sock'))).rejects.toThrow(
      /PERM: refusing to use .*open: its mode is 0755, open to group or others/,
    );
    expect(fs.existsSync(path.join(open, 'control.sock'))).toBe(false);

    const real = path.join(root, 'real');
    fs.mkdirSync(real, { mode: 0o700 });
    fs.symlinkSync(real, path.join(root, 'link'));
    await expect(startServer(path.join(root, 'link', 'control.sock'))).rejects.toThrow(/symbolic link/);
    expect(fs.readdirSync(real)).toEqual([]);

    if (isRoot) {
      const theirs = path.join(root, 'theirs');
      fs.mkdirSync(theirs, { mode: 0o700 });
      fs.chownSync(theirs, 65534, 65534);
      await expect(startServer(path.join(theirs, 'control.sock'))).rejects.toThrow(
        /owned by uid 65534, not by you/,
      );
    }
  });

  it('creates a missing socket directory 0700 and the socket 0600, even under umask 000', async () => {
    const root = tmp();
    const old = process.umask(0);
    let server: ControlServer | undefined;
    try {
      server = await startServer(path.join(root, 'new', 'control.sock'));
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(path.join(root, 'new')).mode & 0o777).toBe(0o700);
    expect(fs.lstatSync(server.socketPath).mode & 0o777).toBe(0o600);
    await server.stop();
  });

  it('refuses a journal directory open to others; the host will not start on it', async () => {
    const root = tmp();
    const journal = path.join(root, 'journal');
    fs.mkdirSync(journal, { mode: 0o770 });
    fs.chmodSync(journal, 0o770);
    await expect(lockJournalDir(journal)).rejects.toThrow(/its mode is 0770/);
    const config = parseConfig(
      { socket: path.join(root, 'run', 'c.sock'), vms: [], controls: [] },
      path.join(root, 'config.json'),
    );
    await expect(HostService.start({ config, log: () => {}, journal: { dir: journal } })).rejects.toThrow(
      /refusing to use .*journal/,
    );
  });

  it('a managed VM whose runtime directory is open to others does not start, and says why', async () => {
    const root = tmp();
    const runtimeDir = path.join(root, 'vms');
    fs.mkdirSync(runtimeDir, { mode: 0o755 });
    fs.chmodSync(runtimeDir, 0o755);
    await expect(
      launchVm({ id: 1, name: 't', memoryMiB: 128 }, { runtimeDir, accel: 'tcg' }),
    ).rejects.toThrow(/refusing to use .*vms: its mode is 0755/);
    expect(fs.readdirSync(runtimeDir)).toEqual([]);
  });
});

describe('files the host creates', () => {
  it('never writes through a link planted at a file name', () => {
    const root = tmp();
    const target = path.join(root, 'victim');
    fs.writeFileSync(target, 'precious');
    fs.symlinkSync(target, path.join(root, 'vm1.stderr'));
    expect(() => createPrivateFile(path.join(root, 'vm1.stderr'))).toThrow(/already exists/);
    fs.symlinkSync(target, path.join(root, 'vm1.serial'));
    expect(() => new SerialLog(path.join(root, 'vm1.serial')).append(Buffer.from('guest output'))).toThrow(
      /ELOOP/,
    );
    expect(fs.readFileSync(target, 'utf8')).toBe('precious');
  });

  it('the configuration file: refused when others can write it, warned when inline tokens are readable', () => {
    const root = tmp();
    const file = path.join(root, 'config.json');
    const doc = {
      controls: [{ name: 'op', principal: 1, token: 'inline-secret', caps: ['OBSERVE'], endpoints: 'all' }],
    };
    fs.writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
    fs.chmodSync(file, 0o620);
    expect(() => loadConfig(file)).toThrow(/writable by group or others \(mode 0620\)/);
    fs.chmodSync(file, 0o644);
    expect(loadConfig(file).warnings).toEqual([
      expect.stringMatching(/holds inline tokens \(op\) and is readable/),
    ]);
    fs.chmodSync(file, 0o600);
    expect(loadConfig(file).warnings).toBeUndefined();
  });

  it.skipIf(!ensureGuest().ok)("QEMU's files are the user's alone even under umask 022", async () => {
    const runtimeDir = path.join(tmp(), 'vms');
    const old = process.umask(0o022);
    let vm: Awaited<ReturnType<typeof launchVm>> | undefined;
    try {
      vm = await launchVm({ id: 1, name: 't', memoryMiB: 128 }, { runtimeDir, accel: 'tcg' });
    } finally {
      process.umask(old);
    }
    try {
      await vm.serial.waitFor(/./, { timeoutMs: 30_000, abort: vm.exited });
      const modes = Object.fromEntries(
        fs
          .readdirSync(runtimeDir)
          .map((f) => [f, (fs.lstatSync(path.join(runtimeDir, f)).mode & 0o777).toString(8)]),
      );
      expect(Object.keys(modes).length).toBeGreaterThanOrEqual(3);
      for (const [f, mode] of Object.entries(modes)) expect(`${f} ${mode}`).toMatch(/ [67]00$/);
    } finally {
      await vm.stop({ graceMs: 2000 });
    }
  });
});
