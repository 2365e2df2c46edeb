/*
 * `vmsig vm add|edit|create|remove` argument handling: every bad option is a usage error
 * (exit 2) naming the option, found by the configuration file's own rules before anything
 * is sent; odd values never crash the CLI. Then the four actions against a real in-process
 * host (no QEMU: an attached VM's QMP socket may be absent, a managed VM is not started):
 * what the host lists and what its configuration file holds afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../main';
import { loadConfig } from '../../main/host/config';
import { HostService } from '../../main/host/host-service';
import { control, managedVm, writeHostConfig } from '../../../test/helpers/host-config';
import { prng } from '../../../test/helpers/prng';

/** Runs the CLI in-process; resolves to its exit code and what it printed. */
async function vmsig(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('vm add|edit|create|remove: bad input is a usage error naming the option, before connecting', () => {
  beforeAll(() => {
    // No server: anything that got past the checks would fail to connect (exit 1), not 2.
    vi.stubEnv('VMSIG_SOCKET', path.join(os.tmpdir(), 'vmsig-no-such-dir', 'control.sock'));
    vi.stubEnv('VMSIG_TOKEN', 'unused');
  });
  afterAll(() => vi.unstubAllEnvs());

  const add = ['vm', 'add', '--vm', '3', '--name', 'box', '--qmp', '/run/vm3.qmp'];
  const create = ['vm', 'create', '--vm', '4', '--name', 'new'];
  const cases: [string[], string][] = [
    [['vm', 'add', '--vm', '3', '--qmp', '/q'], 'vm add needs --name NAME'],
    [['vm', 'add', '--vm', '3', '--name', 'a'], 'vm add needs --qmp PATH'],
    [['vm', 'add', '--name', 'a', '--qmp', '/q'], '--vm is required'],
    [[...add.slice(0, 3), '64', ...add.slice(4)], '--vm must be an integer in 1..63, got "64"'],
    [[...add, '--vnc', 'localhost:0'], '--vnc: "localhost:0" is not host:port with a port 1..65535'],
    [[...add, '--serial', 'box:99999'], '--serial: "box:99999" is not host:port with a port 1..65535'],
    [[...add, '--vnc', ''], '--vnc: '],
    [
      ['vm', 'add', '--vm', '3', '--name', 'a,b', '--qmp', '/q'],
      '--name: must not contain commas or newlines',
    ],
    [[...add, '--memory', '512'], '--memory is not an option of vm add (an attached VM)'],
    [[...add, '--no-vnc'], '--no-vnc is not an option of vm add'],
    [[...add, '--bogus', '1'], 'unknown option --bogus'],
    [['vm', 'create', '--vm', '4'], 'vm create needs --name NAME'],
    [[...create, '--memory', 'abc'], '--memory must be a whole number, got "abc"'],
    [[...create, '--memory', '64'], '--memory: must be an integer 128..65536, got 64'],
    [[...create, '--vcpus', '-2'], '--vcpus must be a whole number, got "-2"'],
    [[...create, '--vcpus', '0'], '--vcpus: '],
    [[...create, '--firmware', 'efi'], '--firmware: '],
    [[...create, '--disk', '/img/a.qcow2', '--disk-mode', 'copy'], '--disk-mode: '],
    [[...create, '--disk-mode', 'write'], '--disk-mode needs --disk PATH'],
    [[...create, '--forward', '22'], '--forward takes HOSTPORT:GUESTPORT[,...], got "22"'],
    [[...create, '--forward', '70000:22'], '--forward: '],
    [[...create, '--network', 'bridge'], '--network must be user or none, got "bridge"'],
    [[...create, '--network', 'none', '--forward', '2222:22'], '--forward needs --network user'],
    [[...create, '--qmp', '/q'], '--qmp is not an option of vm create (a managed VM)'],
    [['vm', 'remove', '--vm', '3', '--name', 'x'], 'vm remove takes only --vm, not --name'],
    [['vm', 'edit', '--vm', '3'], 'vm edit needs at least one setting to change'],
    [['vm', 'status', '--vm', '1', '--qmp', '/q'], 'vm status takes no --qmp'],
    [['vm', 'start', '--vm', '1', '--no-disk'], 'vm start takes no --no-disk'],
    [['vm', 'frobnicate', '--vm', '1'], 'first argument must be one of'],
  ];

  it.each(cases.map(([args, msg]) => [args.join(' '), args, msg] as const))('%s', async (_, args, msg) => {
    const r = await vmsig(...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const [first, ...rest] = r.err.split('\n');
    expect(first).toContain(`vmsig vm: ${msg}`);
    expect(rest[0]).toMatch(/^usage: vmsig vm list/);
  });

  it('vm --help lists add, edit, create and remove with their options', async () => {
    const r = await vmsig('vm', '--help');
    expect(r.code).toBe(0);
    for (const line of [
      'vmsig vm add --vm N --name NAME --qmp PATH',
      'vmsig vm create --vm N --name NAME [--disk PATH',
      'vmsig vm edit --vm N [--name NAME]',
      'vmsig vm remove --vm N',
    ])
      expect(r.out).toContain(line);
  });

  it('3000 seeded odd option values: a usage error or a connection failure, never a crash', async () => {
    const seed = 0x7c11ad;
    const rnd = prng(seed);
    const alphabet = ['a', '0', '9', ':', '/', '.', ',', '-', ' ', '[', ']', '\n', '\u0000', 'é', '%'];
    const text = (): string =>
      Array.from(
        { length: Math.floor(rnd() * 12) },
        () => alphabet[Math.floor(rnd() * alphabet.length)],
      ).join('');
    const options = ['vm', 'name', 'qmp', 'vnc', 'serial', 'ram-file', 'memory', 'vcpus', 'firmware', 'disk'];
    const more = ['disk-mode', 'cdrom', 'forward', 'network'];
    for (let i = 0; i < 3000; i++) {
      const action = ['add', 'create', 'remove', 'edit'][Math.floor(rnd() * 4)]!;
      const args = ['vm', action];
      for (const o of [...options, ...more]) if (rnd() < 0.35) args.push(`--${o}`, text());
      const r = await vmsig(...args);
      const what = `seed ${seed}, case ${i}: ${JSON.stringify(args)} -> ${r.err}`;
      expect([1, 2], what).toContain(r.code);
      expect(r.err, what).toMatch(/^vmsig vm: /);
      expect(r.err, what).not.toMatch(/TypeError|RangeError|ReferenceError|\n\s+at /);
    }
  }, 60_000);
});

describe('vm add|edit|create|remove against a real host: what it lists and what its file holds', () => {
  const TOKENS = { op: 'vm-admin-operator', robot: 'vm-admin-robot' };
  let dir = '';
  let file = '';
  let host: HostService;
  const as = (token: string, ...args: string[]) => {
    vi.stubEnv('VMSIG_TOKEN', token);
    return vmsig(...args, '--socket', host.socketPath).finally(() => vi.unstubAllEnvs());
  };
  const entries = () => (JSON.parse(fs.readFileSync(file, 'utf8')) as { vms: unknown[] }).vms;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-cli-vm-admin-'));
    file = writeHostConfig(dir, {
      vms: [managedVm(1, 'demo', { memoryMiB: 256 })],
      controls: [
        control('operator', 1, TOKENS.op, ['OBSERVE', 'HOST', 'POWER'], { console: true }),
        control('robot', 7, TOKENS.robot, ['OBSERVE', 'POWER']),
      ],
      journal: false,
    });
    host = await HostService.start({
      config: loadConfig(file),
      log: () => {},
      runtimeDir: path.join(dir, 'vms'),
      startManaged: false,
    });
  });
  afterAll(async () => {
    await host?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a control without HOST is refused PERM for each, and nothing changes', async () => {
    const before = fs.readFileSync(file, 'utf8');
    for (const args of [
      ['vm', 'add', '--vm', '3', '--name', 'box', '--qmp', '/q'],
      ['vm', 'edit', '--vm', '1', '--memory', '512'],
      ['vm', 'remove', '--vm', '1'],
    ]) {
      const r = await as(TOKENS.robot, ...args);
      expect([r.code, r.err.split(' (')[0]]).toEqual([1, `vm ${args[1]} on VM ${args[3]}: refused: PERM`]);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('add attaches with relative paths made absolute; list shows it; the file holds it', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await as(
        TOKENS.op,
        'vm',
        'add',
        '--vm',
        '3',
        '--name',
        'box',
        '--qmp',
        'vm3.qmp',
        '--vnc',
        'vm3.vnc',
      );
      expect([r.code, r.err, r.out]).toEqual([0, '', `VM 3: added box (attached to ${dir}/vm3.qmp)`]);
    } finally {
      process.chdir(cwd);
    }
    const list = await as(TOKENS.op, 'vm', 'list');
    expect(list.out.split('\n')).toEqual(['VM 1 demo: stopped (managed)', 'VM 3 box: attached (attached)']);
    expect(entries()[1]).toEqual({ id: 3, name: 'box', qmp: `${dir}/vm3.qmp`, vnc: `${dir}/vm3.vnc` });
    const again = await as(TOKENS.op, 'vm', 'add', '--vm', '3', '--name', 'box', '--qmp', '/q');
    expect([again.code, again.err.split(' (')[0]]).toEqual([1, 'vm add on VM 3: refused: BUSY']);
  });

  it('edit changes only the options given; --no-vnc drops the display; managed options are refused for it', async () => {
    const r = await as(TOKENS.op, 'vm', 'edit', '--vm', '3', '--serial', '127.0.0.1:4555', '--name', 'box2');
    // The serial port is not served: the re-attach fails on it, named; the file holds the new settings.
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^vm edit on VM 3: refused: \w+ \(.*serial/);
    expect(entries()[1]).toEqual({
      id: 3,
      name: 'box2',
      qmp: `${dir}/vm3.qmp`,
      vnc: `${dir}/vm3.vnc`,
      serial: '127.0.0.1:4555',
    });
    const ok = await as(TOKENS.op, 'vm', 'edit', '--vm', '3', '--no-serial', '--no-vnc');
    expect([ok.code, ok.err, ok.out]).toEqual([0, '', 'VM 3: edited box2 (attached)']);
    expect(entries()[1]).toEqual({ id: 3, name: 'box2', qmp: `${dir}/vm3.qmp` });
    expect(host.attachedSettings(3)).toEqual({ id: 3, name: 'box2', qmp: `${dir}/vm3.qmp` });
    const wrong = await as(TOKENS.op, 'vm', 'edit', '--vm', '3', '--memory', '512');
    expect([wrong.code, wrong.err.split('\n')[0]]).toEqual([
      2,
      'vmsig vm: --memory is for managed VMs; VM 3 is attached',
    ]);
  });

  it('edit of a managed VM keeps what no option names and rewrites its entry', async () => {
    const r = await as(TOKENS.op, 'vm', 'edit', '--vm', '1', '--vcpus', '2', '--forward', '2222:22');
    expect([r.code, r.err, r.out]).toEqual([0, '', 'VM 1: edited demo (managed)']);
    expect(entries()[0]).toEqual({
      id: 1,
      name: 'demo',
      managed: { memoryMiB: 256, vcpus: 2, network: { forwards: [{ hostPort: 2222, guestPort: 22 }] } },
    });
    const bad = await as(TOKENS.op, 'vm', 'edit', '--vm', '1', '--vnc', '/x.vnc');
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([
      2,
      'vmsig vm: --vnc is for attached VMs; VM 1 is managed',
    ]);
    const none = await as(TOKENS.op, 'vm', 'edit', '--vm', '9', '--name', 'x');
    expect([none.code, none.err.split(' (')[0]]).toEqual([1, 'vm edit on VM 9: refused: NOENT']);
  });

  it('remove forgets the VM and drops its entry', async () => {
    const r = await as(TOKENS.op, 'vm', 'remove', '--vm', '3');
    expect([r.code, r.err, r.out]).toEqual([0, '', 'VM 3: removed']);
    expect(host.vms().map((v) => v.id)).toEqual([1]);
    expect(entries().map((v) => (v as { id: number }).id)).toEqual([1]);
  });
});
