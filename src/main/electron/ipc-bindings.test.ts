import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A stand-in for the `electron` module: ipcMain records handlers so the test can invoke them
// as Electron would, with an event whose senderFrame it controls.
const handlers = new Map<string, (event: unknown, request: unknown) => unknown>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, request: unknown) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

import { ErrorCode } from '../../shared/model';
import { HostErrorCode, INVOKE_CHANNELS } from '../../shared/ipc';
import { standInHost } from '../../../test/helpers/stand-in-host';
import { ConsoleService } from '../host/console';
import { bindIpc, pushChannel, webContentsSink } from './ipc-bindings';

const rendererDir = '/opt/vmsig/out/renderer';
const appFrame = { url: 'file:///opt/vmsig/out/renderer/index.html', parent: null };

function service(): ConsoleService {
  const svc = new ConsoleService(standInHost());
  svc.start();
  return svc;
}

const invoke = (channel: string, senderFrame: unknown, request: unknown) =>
  handlers.get(`vmsig:${channel}`)!({ senderFrame, sender: {} }, request);

let svc: ConsoleService;
let unbind: () => void;
beforeEach(() => {
  svc = service();
  unbind = bindIpc(svc, rendererDir, () => undefined);
});
afterEach(() => {
  unbind();
  svc.stop();
});

describe('Electron IPC bindings', () => {
  it('registers exactly the contract channels, prefixed, and removes them on dispose', () => {
    expect([...handlers.keys()].sort()).toEqual(INVOKE_CHANNELS.map((c) => `vmsig:${c}`).sort());
    unbind();
    expect(handlers.size).toBe(0);
    unbind = () => {};
  });

  it('answers the console page: a lease acquire goes through the core', async () => {
    const r = await invoke('lease.acquire', appFrame, { endpoint: 1, cls: 'INPUT' });
    expect(r).toMatchObject({ ok: true, value: { kind: 'LEASE_GRANTED' } });
  });

  it('refuses senders that are not the console page: other files, remote pages, subframes', async () => {
    for (const frame of [
      { url: 'file:///tmp/evil.html', parent: null },
      { url: 'file:///opt/vmsig/out/renderer-evil/index.html', parent: null },
      { url: 'https://example.com/', parent: null },
      { url: appFrame.url, parent: {} },
      null,
    ]) {
      expect(await invoke('lease.acquire', frame, { endpoint: 1, cls: 'INPUT' })).toMatchObject({
        ok: false,
        error: { code: HostErrorCode.FORBIDDEN },
      });
    }
    expect(svc.snapshot().leases).toHaveLength(0);
  });

  it('validates arguments from the page before the core sees them', async () => {
    expect(
      await invoke('input.send', appFrame, { endpoint: 1, type: 'key', code: -5, down: true }),
    ).toMatchObject({ ok: false, error: { code: ErrorCode.INVAL } });
    expect(
      await invoke('vm.addAttached', appFrame, { id: 2, name: 'x', qmp: 'relative.sock' }),
    ).toMatchObject({ ok: false, error: { code: ErrorCode.INVAL } });
  });

  it('pushes to a live window on the prefixed push channel and skips a destroyed one', () => {
    const sent: unknown[][] = [];
    let destroyed = false;
    const wc = { isDestroyed: () => destroyed, send: (...args: unknown[]) => sent.push(args) };
    const sink = webContentsSink(wc as never);
    sink.push('events', new Uint8Array([1]));
    destroyed = true;
    sink.push('events', new Uint8Array([2]));
    expect(sent).toEqual([[pushChannel('events'), new Uint8Array([1])]]);
  });
});
