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
