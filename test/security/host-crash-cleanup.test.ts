/*
 * Item 3 of issue 10: a crash does not orphan VMs. `vmsig serve` (a child process) with one
 * managed VM (real QEMU): an uncaught exception stops the VM by PID, removes its runtime
 * files and exits 70; and after a kill -9, which no handler survives, the next host stops
 * the QEMU the dead one left and starts its VM afresh instead of finding it "already
 * running". Needs QEMU and the test guest (npm run guest); TCG unless VMSIG_ACCEL says.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'serve-child.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) {
    for (const pid of qemusIn(path.join(d, 'run', 'vms'))) process.kill(pid, 'SIGKILL');
    fs.rmSync(d, { recursive: true, force: true });
  }
});

/** PIDs of processes whose command line names a file of `runtimeDir` (what `ps` would show). */
function qemusIn(runtimeDir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return fs.readFileSync(`/proc/${n}/cmdline`, 'latin1').includes(`${runtimeDir}/vm1.`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function setup(): { dir: string; config: string; runtimeDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-crash-'));
  dirs.push(dir);
  const config = path.join(dir, 'config.json');
  const doc = {
    socket: 'run/control.sock',
    vms: [{ id: 1, name: 'crashvm', managed: { memoryMiB: 128 } }],
    controls: [
      {
        name: 'operator',
        principal: 1,
        token: 'crash-op',
        caps: ['OBSERVE'],
        endpoints: 'all',
        console: true,
      },
    ],
  };
  fs.writeFileSync(config, JSON.stringify(doc), { mode: 0o600 });
  return { dir, config, runtimeDir: path.join(dir, 'run', 'vms') };
}

interface Serve {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: string | null }>;
}

function serve(config: string, crash: boolean): Serve {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      FIXTURE,
      ...(crash ? ['--crash'] : []),
      '--config',
      config,
      '--no-journal',
      '--no-log-file',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VMSIG_ACCEL: process.env.VMSIG_ACCEL ?? 'tcg' },
    },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, err: () => err, exit };
}

async function running(s: Serve): Promise<void> {
  await until(
    () => /VM 1 crashvm \(managed\): running/.test(s.out()) || s.child.exitCode !== null,
    60_000,
    'VM 1 running',
  );
  expect(s.out(), s.err()).toMatch(/VM 1 crashvm \(managed\): running/);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1') !== '';
  } catch {
    return false;
  }
};

describe('a host that fails', () => {
  it('an uncaught exception stops the managed VM, removes its files and exits 70', async () => {
    const { config, runtimeDir, dir } = setup();
    const s = serve(config, true);
    await running(s);
    const [qemu] = qemusIn(runtimeDir);
    expect(qemu).toBeDefined();
    const { code } = await s.exit;
    expect(code, s.err()).toBe(70);
    expect(s.err()).toMatch(/uncaught exception: Error: injected crash after start/);
    expect(alive(qemu!)).toBe(false);
    expect(fs.readdirSync(runtimeDir).filter((f) => f.startsWith('vm1.'))).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'run', 'control.sock'))).toBe(false);
  });

  it('after kill -9 the next host stops the QEMU the dead one left and starts the VM afresh', async () => {
    const { config, runtimeDir } = setup();
    const first = serve(config, false);
    await running(first);
    const [orphan] = qemusIn(runtimeDir);
    first.child.kill('SIGKILL');
    await first.exit;
    // Nothing ran in the dead host: its QEMU is still there, with its files.
    expect(alive(orphan!)).toBe(true);

    const second = serve(config, false);
    await running(second);
    expect(second.err()).toMatch(new RegExp(`QEMU pid ${orphan} was left running by a host that ended`));
    expect(alive(orphan!)).toBe(false);
    const now = qemusIn(runtimeDir);
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(orphan);
    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
    expect(qemusIn(runtimeDir)).toEqual([]);
  });
});
