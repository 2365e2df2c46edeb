import { describe, expect, it } from 'vitest';
import { parseForwards } from './vm-admin';

describe('the New VM form port forwards', () => {
  it('reads "host:guest" pairs separated by commas or spaces', () => {
    expect(parseForwards('2222:22, 8080:80')).toEqual([
      { hostPort: 2222, guestPort: 22 },
      { hostPort: 8080, guestPort: 80 },
    ]);
    expect(parseForwards('')).toEqual([]);
  });

  it('refuses anything else, so the form can say so before the host does', () => {
    for (const bad of ['22', '0.0.0.0:2222:22', '70000:22', '22:0', 'ssh'])
      expect(parseForwards(bad)).toBeNull();
  });
});
