import { describe, expect, it } from 'vitest';
import { parseVms } from './parse-vms';

const attached = (serial: unknown) => [{ id: 2, name: 'box', qmp: '/run/vm2.qmp', serial }];

describe('vms[].serial', () => {
  it('takes a Unix socket path (relative to the configuration) or host:port', () => {
    expect(parseVms(attached('vm2.serial.sock'), '/etc/vmsig')[0]).toMatchObject({
      serial: { kind: 'unix', path: '/etc/vmsig/vm2.serial.sock' },
    });
    expect(parseVms(attached('127.0.0.1:4555'), '/x')[0]).toMatchObject({
      serial: { kind: 'tcp', host: '127.0.0.1', port: 4555 },
    });
  });

  it('refuses a bad port, a non-string, and serial on a managed VM, naming the field', () => {
    expect(() => parseVms(attached('localhost:0'), '/x')).toThrow('vms[0].serial');
    expect(() => parseVms(attached(['a']), '/x')).toThrow('vms[0].serial');
    expect(() => parseVms([{ id: 1, name: 'm', managed: {}, serial: '/a.sock' }], '/x')).toThrow(
      'vms[0].serial: is only for attached VMs',
    );
  });
});
