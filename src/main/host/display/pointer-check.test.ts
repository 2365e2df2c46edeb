import { describe, expect, it } from 'vitest';
import { queryPointer } from './pointer-check';

const qmp = (answer: unknown) => ({
  execute: <T>(command: string) =>
    command === 'query-mice'
      ? answer instanceof Error
        ? Promise.reject(answer)
        : Promise.resolve(answer as T)
      : Promise.reject(new Error(command)),
});

describe('queryPointer', () => {
  it('absolute when QEMU lists a tablet, relative-only when only mice', async () => {
    const ps2 = { name: 'QEMU PS/2 Mouse', index: 0, current: true, absolute: false };
    const tablet = { name: 'QEMU Virtio Tablet', index: 1, current: false, absolute: true };
    expect(await queryPointer(qmp([ps2, tablet]))).toBe('absolute');
    expect(await queryPointer(qmp([ps2]))).toBe('relative-only');
  });

  it('waits for a connecting QMP client before asking', async () => {
    const client = { state: 'connecting', ...qmp([{ absolute: true }]) };
    setTimeout(() => (client.state = 'running'), 100);
    expect(await queryPointer(client)).toBe('absolute');
  });

  it('unknown without QMP, on an error, or an empty list', async () => {
    expect(await queryPointer(null)).toBe('unknown');
    expect(await queryPointer(qmp(new Error('not connected')))).toBe('unknown');
    expect(await queryPointer(qmp([]))).toBe('unknown');
  });
});
