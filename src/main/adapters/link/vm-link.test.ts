// The link supervisor against a scripted fake QMP server, for what real QEMU will not do on
// demand: not be there yet, send garbage, fall silent. Real QEMU covers the rest
// (test/integration/adapters-vm.test.ts: SIGSTOP staleness, SIGKILL, restart).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeamReason } from '../../../shared/model';
import { FakeQmpServer } from '../../../../test/helpers/fake-qmp-server';
import { QmpClient } from '../qmp';
import { VmLink, type LinkStatus } from './vm-link';
import { until } from '../../../../test/helpers/until';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function linkTo(socketPath: string, heartbeatMs = 50): Promise<{ link: VmLink; seen: LinkStatus[] }> {
  const qmp = new QmpClient({ path: socketPath, reconnect: { initialMs: 20, maxMs: 100, factor: 2 } });
  const link = new VmLink(qmp, { log: () => {}, heartbeatMs, retryMinMs: 20, retryMaxMs: 100 });
  const seen: LinkStatus[] = [];
  link.onChange((s) => seen.push(s));
  cleanups.push(() => link.stop());
  await link.start();
  return { link, seen };
}

describe('VmLink', () => {
  it('keeps retrying while QEMU is not there and comes up when it appears', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-link-'));
    const fake = await FakeQmpServer.start();
    await fake.stop();
    cleanups.push(async () => {
      await fake.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const { link } = await linkTo(fake.path);
    expect(link.status).toEqual({ up: false, reason: SeamReason.CLOSED });
    await new Promise((r) => setTimeout(r, 150));
    await fake.listen();
    await until(() => link.up);
  });

  it('reports ERROR when QEMU sends garbage, then comes back up on the reconnect', async () => {
    const fake = await FakeQmpServer.start();
    cleanups.push(() => fake.dispose());
    const { link, seen } = await linkTo(fake.path, 1000);
    expect(link.up).toBe(true);
    fake.current.sendLine('this is not json');
    await until(() => seen.some((s) => !s.up));
    expect(seen.find((s) => !s.up)).toEqual({ up: false, reason: SeamReason.ERROR });
    await until(() => link.up);
  });

  it('declares the link stale when heartbeats go unanswered, and up when they are answered again', async () => {
    const fake = await FakeQmpServer.start();
    cleanups.push(() => fake.dispose());
    const { link, seen } = await linkTo(fake.path, 50);
    expect(link.up).toBe(true);
    fake.script = () => {};
    await until(() => !link.up);
    expect(link.status).toEqual({ up: false, reason: SeamReason.HEARTBEAT_STALE });
    fake.script = (cmd, conn) => conn.reply(cmd, { status: 'running', running: true });
    await until(() => link.up);
    expect(seen.map((s) => s.up)).toEqual([true, false, true]);
  });

  it('reports nothing after stop()', async () => {
    const fake = await FakeQmpServer.start();
    cleanups.push(() => fake.dispose());
    const { link, seen } = await linkTo(fake.path);
    expect(seen).toEqual([{ up: true }]);
    seen.length = 0;
    await link.stop();
    await fake.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
  });
});
