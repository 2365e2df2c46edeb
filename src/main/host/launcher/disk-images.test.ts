import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model/constants';
import { explainLockFailure, imageInfo, prepareMedia } from './disk-images';

const haveQemuImg = spawnSync('qemu-img', ['--version']).status === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-disks-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => path.join(dir, name);
const vm = { id: 4, name: 'd', memoryMiB: 256 };

describe.skipIf(!haveQemuImg)('prepareMedia (real qemu-img)', () => {
  it('says which field names a missing file', async () => {
    await expect(prepareMedia({ ...vm, disks: [{ path: at('none.qcow2') }] })).rejects.toMatchObject({
      code: ErrorCode.NOENT,
      message: expect.stringContaining(`disks[0].path: file not found: ${at('none.qcow2')}`),
    });
    await expect(prepareMedia({ ...vm, cdrom: at('none.iso') })).rejects.toThrow(/cdrom: file not found/);
  });

  it('creates a missing disk of the given size and reports its format', async () => {
    const { disks } = await prepareMedia({ ...vm, disks: [{ path: at('new.qcow2'), size: '64M' }] });
    expect(disks[0]).toMatchObject({
      file: at('new.qcow2'),
      format: 'qcow2',
      mode: 'snapshot',
      virtualSize: 64 << 20,
    });
  });

  it('refuses a raw image whose size is not whole sectors', async () => {
    fs.writeFileSync(at('odd.raw'), Buffer.alloc(1000));
    await expect(prepareMedia({ ...vm, disks: [{ path: at('odd.raw') }] })).rejects.toMatchObject({
      code: ErrorCode.INVAL,
      message: expect.stringContaining('disks[0].path: bad size 1000 bytes'),
    });
  });

  it('refuses a format that does not match the file', async () => {
    fs.writeFileSync(at('plain.raw'), Buffer.alloc(1 << 20));
    await expect(
      prepareMedia({ ...vm, disks: [{ path: at('plain.raw'), format: 'qcow2' }] }),
    ).rejects.toThrow(/disks\[0\]\.format: says qcow2 but .* is raw/);
  });

  it('creates an overlay backed by the base and leaves the base as it was', async () => {
    fs.writeFileSync(at('base.raw'), Buffer.alloc(1 << 20, 7));
    const before = fs.statSync(at('base.raw')).mtimeMs;
    const { disks } = await prepareMedia({ ...vm, disks: [{ path: at('base.raw'), mode: 'overlay' }] });
    expect(disks[0]).toMatchObject({ file: `${at('base.raw')}.vm4.qcow2`, format: 'qcow2', mode: 'overlay' });
    const info = spawnSync('qemu-img', ['info', '--output=json', disks[0]!.file], { encoding: 'utf8' });
    expect(JSON.parse(info.stdout)['backing-filename']).toBe(at('base.raw'));
    expect(fs.statSync(at('base.raw')).mtimeMs).toBe(before);
  });

  it('says an image is locked when another QEMU holds it for writing', async () => {
    spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', at('busy.qcow2'), '1M']);
    // A device must use the drive for QEMU to take its write lock.
    const holder = spawn(
      'qemu-system-x86_64',
      [
        ...['-machine', 'pc', '-accel', 'tcg', '-nodefaults', '-display', 'none', '-S'],
        ...[
          '-drive',
          `if=none,id=d0,format=qcow2,file=${at('busy.qcow2')}`,
          '-device',
          'virtio-blk-pci,drive=d0',
        ],
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((r) => holder.once('exit', r));
    try {
      // QEMU takes the lock a moment after it starts.
      let locked: unknown;
      for (let i = 0; i < 100 && !locked; i++) {
        locked = await imageInfo('qemu-img', at('busy.qcow2'), 'disks[0].path').then(
          () => undefined,
          (e: unknown) => e,
        );
        if (!locked) await new Promise((r) => setTimeout(r, 50));
      }
      expect(locked).toMatchObject({
        code: ErrorCode.BUSY,
        message: expect.stringMatching(/disks\[0\]\.path: .*busy\.qcow2 is locked by another process/),
      });
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
  });
});

describe('explainLockFailure', () => {
  it('names the disk whose lock QEMU could not get (a raw image qemu-img info cannot see)', () => {
    const stderr =
      'qemu-system-x86_64: -device virtio-blk-pci,drive=disk1: Failed to get shared "write" lock\n' +
      'Is another process using the image [/i/b.raw]?\n';
    const spec = { ...vm, disks: [{ path: '/i/a.qcow2' }, { path: '/i/b.raw' }] };
    expect(explainLockFailure(stderr, spec)).toMatchObject({
      code: ErrorCode.BUSY,
      message: expect.stringContaining('disks[1].path: /i/b.raw is locked by another process'),
    });
    expect(explainLockFailure('qemu-system-x86_64: something else', spec)).toBeUndefined();
  });
});
