import { describe, expect, it } from 'vitest';
import { parseVms } from './parse-vms';

const attached = (vnc: unknown) => [{ id: 2, name: 'box', qmp: '/run/vm2.qmp', vnc }];

describe('vms[].vnc', () => {
  it('takes a Unix socket path (relative to the configuration) or host:port', () => {
    expect(parseVms(attached('vm2.vnc'), '/etc/vmsig')[0]).toMatchObject({
      vnc: { kind: 'unix', path: '/etc/vmsig/vm2.vnc' },
    });
    expect(parseVms(attached('127.0.0.1:5902'), '/x')[0]).toMatchObject({
      vnc: { kind: 'tcp', host: '127.0.0.1', port: 5902 },
    });
    expect(parseVms(attached('[::1]:5901'), '/x')[0]).toMatchObject({
      vnc: { kind: 'tcp', host: '::1', port: 5901 },
    });
  });

  it('refuses a bad port, a non-string, and vnc on a managed VM, naming the field', () => {
    expect(() => parseVms(attached('localhost:70000'), '/x')).toThrow('vms[0].vnc');
    expect(() => parseVms(attached(5901), '/x')).toThrow('vms[0].vnc');
    expect(() => parseVms([{ id: 1, name: 'm', managed: {}, vnc: '/a.vnc' }], '/x')).toThrow(
      'vms[0].vnc: is only for attached VMs',
    );
  });
});
