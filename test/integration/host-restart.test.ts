/*
 * A managed VM whose QEMU dies can be started again from the host (the console's Start
 * button): the old adapters give their seams back and the new QEMU's seams come up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Source } from '../../src/shared/model';
import { HostService } from '../../src/main/host/host-service';
import { ensureGuest } from '../helpers/guest';
import { control, managedVm, parseHostConfig } from '../helpers/host-config';
import { until } from '../helpers/until';

const guest = ensureGuest();

describe.skipIf(!guest.ok)('restarting a managed VM after QEMU died', () => {
  let dir: string;
  let host: HostService;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-restart-'));
    const config = parseHostConfig(dir, {
      vms: [managedVm(1, 'phoenix')],
      // leasePrio 0: the parser's default, as when the file leaves it out.
      controls: [control('op', 1, 'restart-op', ['OBSERVE'], { leasePrio: 0, console: true })],
    });
    host = await HostService.start({ config, log: () => {}, runtimeDir: path.join(dir, 'vms') });
  });

  afterAll(async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts a new QEMU whose seams come up, after the old one was killed', async () => {
    const first = host.vms()[0]!;
    expect(first.state).toBe('running');
    await until(() => host.core.seamUp(1, Source.VMHOST), 10_000, 'VMHOST seam up');
    process.kill(first.pid!, 'SIGKILL');
    await until(() => host.vms()[0]!.state === 'failed', 5_000, 'the host to see QEMU gone');
    await until(() => !host.core.seamUp(1, Source.VMHOST), 5_000, 'VMHOST seam down');

    await host.startVm(1);
    const second = host.vms()[0]!;
    expect(second.state).toBe('running');
    expect(second.pid).not.toBe(first.pid);
    await until(
      () => host.core.seamUp(1, Source.VMHOST) && host.core.seamUp(1, Source.INPUT),
      10_000,
      'seams up again',
    );
  });
});
