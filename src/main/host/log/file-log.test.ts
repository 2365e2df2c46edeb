import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultLogDir, openFileLog, teeLog } from './file-log';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-file-log-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const at = new Date('2026-01-02T03:04:05.678Z');

describe('openFileLog', () => {
  it('appends one stamped line per message to <dir>/<name>.log, created 0700/0600', () => {
    const dir = path.join(tempDir(), 'state', 'vmsig', 'log');
    const f = openFileLog({ name: 'serve', dir, now: () => at });
    f.log('info', 'control socket listening');
    f.log('error', 'first\nsecond');
    f.close();
    expect(f.path).toBe(path.join(dir, 'serve.log'));
    expect(fs.readFileSync(f.path, 'utf8')).toBe(
      '2026-01-02T03:04:05.678Z info control socket listening\n2026-01-02T03:04:05.678Z error first\n    second\n',
    );
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(f.path).mode & 0o777).toBe(0o600);
  });

  it('a reopened log appends after what an earlier run wrote', () => {
    const dir = tempDir();
    const a = openFileLog({ name: 'electron', dir, now: () => at });
    a.log('info', 'run 1');
    a.close();
    const b = openFileLog({ name: 'electron', dir, now: () => at });
    b.log('info', 'run 2');
    b.close();
    expect(fs.readFileSync(b.path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('rotates by size: the live file stays under maxBytes, keep files beside it, the oldest dropped', () => {
    const dir = tempDir();
    const f = openFileLog({ name: 'serve', dir, maxBytes: 200, keep: 2, now: () => at });
    for (let i = 0; i < 40; i++) f.log('info', `message ${String(i).padStart(2, '0')} ${'x'.repeat(20)}`);
    f.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['serve.log', 'serve.log.1', 'serve.log.2']);
    for (const name of fs.readdirSync(dir))
      expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(200);
    const live = fs.readFileSync(f.path, 'utf8');
    expect(live).toContain('message 39');
    const previous = fs.readFileSync(`${f.path}.1`, 'utf8');
    const lastBefore = Number(/message (\d+)[^\n]*\n$/.exec(previous)![1]);
    const firstLive = Number(/message (\d+)/.exec(live)![1]);
    expect(firstLive).toBe(lastBefore + 1);
    expect(fs.readFileSync(`${f.path}.2`, 'utf8')).not.toContain('message 00');
  });

  it('a write that fails stops the file log, reports once, and never throws to the caller', () => {
    const dir = tempDir();
    const errors: Error[] = [];
    const f = openFileLog({
      name: 'serve',
      dir,
      maxBytes: 60,
      now: () => at,
      onWriteError: (e) => errors.push(e),
    });
    f.log('info', 'fits');
    fs.rmSync(dir, { recursive: true, force: true });
    // The next message must rotate, and the rename fails: the directory is gone.
    expect(() => f.log('info', 'this one needs a rotation to fit')).not.toThrow();
    f.log('info', 'dropped');
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOENT');
    f.close();
  });

  it('throws the fs error when the directory cannot be made', () => {
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    expect(() => openFileLog({ name: 'serve', dir: path.join(file, 'log') })).toThrow(/ENOTDIR/);
  });
});

describe('defaultLogDir', () => {
  it('is $XDG_STATE_HOME/vmsig/log, else ~/.local/state/vmsig/log (a relative XDG path is ignored)', () => {
    expect(defaultLogDir({ XDG_STATE_HOME: '/s', HOME: '/h' })).toBe('/s/vmsig/log');
    expect(defaultLogDir({ HOME: '/h' })).toBe('/h/.local/state/vmsig/log');
    expect(defaultLogDir({ XDG_STATE_HOME: 'rel', HOME: '/h' })).toBe('/h/.local/state/vmsig/log');
  });
});

describe('teeLog', () => {
  it('hands each message to every log in order', () => {
    const seen: string[] = [];
    teeLog(
      (l, m) => seen.push(`a ${l} ${m}`),
      (l, m) => seen.push(`b ${l} ${m}`),
    )('warn', 'x');
    expect(seen).toEqual(['a warn x', 'b warn x']);
  });
});
