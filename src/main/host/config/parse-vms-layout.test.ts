import { describe, expect, it } from 'vitest';
import { parseVms } from './parse-vms';

describe('vms[].layout', () => {
  it('is optional (absent means en-us downstream) and kept on managed and attached VMs', () => {
    expect(parseVms([{ id: 1, name: 'a', managed: {} }], '/x')[0]).not.toHaveProperty('layout');
    expect(parseVms([{ id: 1, name: 'a', managed: {}, layout: 'de' }], '/x')[0]).toMatchObject({
      layout: 'de',
    });
    expect(parseVms([{ id: 2, name: 'b', qmp: '/q', layout: 'fr-ch' }], '/x')[0]).toMatchObject({
      layout: 'fr-ch',
    });
  });

  it('refuses what is no layout name, naming the field', () => {
    for (const layout of ['', 'DE', '../etc/passwd', 'de_DE', 7])
      expect(() => parseVms([{ id: 1, name: 'a', managed: {}, layout }], '/x')).toThrow('vms[0].layout');
  });
});
