import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model/constants';
import { SerialLog } from './serial-log';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-serial-'));
const file = path.join(dir, 'vm1.serial');
afterEach(() => fs.rmSync(file, { force: true }));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SerialLog.waitFor', () => {
  it('finds a marker written after waiting started, only after `since`', async () => {
    fs.writeFileSync(file, 'MARK old\n');
    const log = new SerialLog(file);
    const waiting = log.waitFor('MARK', { since: log.size(), timeoutMs: 2000, pollMs: 5 });
    setTimeout(() => fs.appendFileSync(file, 'noise\nMARK new\r\n'), 30);
    const match = await waiting;
    expect(match.line).toBe('MARK new');
    expect(match.end).toBe(fs.statSync(file).size);
  });

  it('ignores a partial line until its newline arrives', async () => {
    fs.writeFileSync(file, 'MAR');
    const log = new SerialLog(file);
    const waiting = log.waitFor(/^MARK$/, { timeoutMs: 2000, pollMs: 5 });
    setTimeout(() => fs.appendFileSync(file, 'K\n'), 30);
    await expect(waiting).resolves.toMatchObject({ line: 'MARK' });
  });

  it('times out with the log tail in the message', async () => {
    fs.writeFileSync(file, 'booting...\n');
    await expect(new SerialLog(file).waitFor('READY', { timeoutMs: 50, pollMs: 5 })).rejects.toMatchObject({
      code: ErrorCode.TIMEOUT,
      message: expect.stringContaining('booting...'),
    });
  });

  it('stops waiting when the VM exits', async () => {
    const exited = new Promise((r) => setTimeout(r, 20));
    await expect(new SerialLog(file).waitFor('READY', { timeoutMs: 5000, abort: exited })).rejects.toThrow(
      /the VM exited/,
    );
  });
});

describe('SerialLog capped on disk', () => {
  it('keeps at most the cap on disk while offsets keep counting', () => {
    const log = new SerialLog(file, 100);
    for (let i = 0; i < 30; i++) log.append(Buffer.from(`line ${String(i).padStart(3, '0')}\n`));
    const onDisk = fs.statSync(file).size + fs.statSync(log.previousPath).size;
    expect(onDisk).toBeLessThanOrEqual(100);
    expect(log.size()).toBe(30 * 9);
    expect(log.text(log.size() - 9)).toBe('line 029\n');
    expect(log.text()).toContain('line 029');
    expect(log.text()).not.toContain('line 000');
    log.close();
    fs.rmSync(log.previousPath, { force: true });
  });

  it('pushes appended chunks to subscribers until disposed', () => {
    const log = new SerialLog(file);
    const seen: string[] = [];
    const off = log.onData((c) => seen.push(c.toString()));
    log.append(Buffer.from('a'));
    off();
    log.append(Buffer.from('b'));
    expect(seen).toEqual(['a']);
    log.close();
  });

  it('finds a marker in output that was rotated into the previous segment', async () => {
    const log = new SerialLog(file, 64);
    log.append(Buffer.from('MARK here\n'));
    log.append(Buffer.from('x'.repeat(30) + '\n'));
    await expect(log.waitFor('MARK', { timeoutMs: 100 })).resolves.toMatchObject({
      line: 'MARK here',
      end: 10,
    });
    log.close();
    fs.rmSync(log.previousPath, { force: true });
  });
});

describe('SerialLog prompts', () => {
  it('matches an unfinished last line only when asked for a prompt', async () => {
    fs.writeFileSync(file, 'Debian\nvmsig-debian login: ');
    const log = new SerialLog(file);
    await expect(log.waitFor(/login: $/, { timeoutMs: 60, pollMs: 5 })).rejects.toThrow(/not seen/);
    await expect(log.waitFor(/login: $/, { prompt: true, timeoutMs: 60 })).resolves.toEqual({
      line: 'vmsig-debian login: ',
      end: fs.statSync(file).size,
    });
  });
});
