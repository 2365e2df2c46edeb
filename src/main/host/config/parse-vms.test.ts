import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { parseImageDirs, parseVms } from './parse-vms';

const managed = (m: unknown) => [{ id: 3, name: 'disk', managed: m }];
const messageOf = (m: unknown): string => {
  try {
    parseVms(managed(m), '/cfg');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('vms[].managed disk, ISO, firmware and network fields', () => {
  it('accepts them and resolves their paths against the configuration directory', () => {
    const [vm] = parseVms(
      managed({
        memoryMiB: 1024,
        disks: [{ path: 'img/debian.qcow2', mode: 'overlay', overlay: 'ov/debian.qcow2' }],
        cdrom: '/isos/x.iso',
        firmware: 'uefi',
        uefiVars: 'vars.fd',
        vcpus: 2,
        machine: 'q35',
        network: { forwards: [{ hostPort: 2222, guestPort: 22 }] },
        ramDir: 'ram',
      }),
      '/cfg',
    );
    expect(vm).toEqual({
      kind: 'managed',
      id: 3,
      name: 'disk',
      managed: {
        memoryMiB: 1024,
        disks: [{ path: '/cfg/img/debian.qcow2', mode: 'overlay', overlay: '/cfg/ov/debian.qcow2' }],
        cdrom: '/isos/x.iso',
        firmware: 'uefi',
        uefiVars: '/cfg/vars.fd',
        vcpus: 2,
        machine: 'q35',
        network: { forwards: [{ hostPort: 2222, guestPort: 22 }] },
        ramDir: '/cfg/ram',
      },
    });
  });

  it.each([
    [
      { disks: [{ path: 'a' }, { path: 'b', mode: 'cow' }] },
      'vms[0].managed.disks[1].mode: must be one of snapshot, overlay, write',
    ],
    [{ disks: [{ path: 'a', size: '20 GB' }] }, 'vms[0].managed.disks[0].size: must be a size like "20G"'],
    [{ firmware: 'coreboot' }, 'vms[0].managed.firmware: must be one of bios, uefi'],
    [{ vcpus: 100 }, 'vms[0].managed.vcpus: must be an integer 1..64'],
    [
      { network: { forwards: [{ hostPort: 22 }] } },
      'vms[0].managed.network.forwards[0].guestPort: must be an integer',
    ],
    [{ boot: ['disk'] }, 'vms[0].managed.boot: "disk" needs at least one disk'],
    [{ cpus: 2 }, 'vms[0].managed.cpus'],
  ])('refuses %j naming the field', (m, message) => {
    expect(messageOf(m)).toContain(message);
  });
});

describe('imageDirs', () => {
  it('resolves directories against the configuration directory and names a bad entry', () => {
    expect(parseImageDirs(['img', '/srv/isos'], '/cfg')).toEqual(['/cfg/img', '/srv/isos']);
    expect(parseImageDirs(undefined, '/cfg')).toEqual([]);
    expect(() => parseImageDirs(['ok', 3], '/cfg')).toThrow(/imageDirs\[1\]/);
  });
});
