/*
 * A managed VM's user-mode NIC with a real host port forward (issue 9, item 3): the test
 * guest gets `network.forwards`, an operator types on tty1 to serve the guest's own boot id
 * with busybox httpd on port 8080, and the host reads it from 127.0.0.1:<forward>. The
 * forward listens on 127.0.0.1 only, as the configuration's default promises.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cap, Kind, LeaseClass } from '../../src/shared/model';
import { HostService } from '../../src/main/host/host-service';
import { GUEST_READY, ensureGuest } from '../helpers/guest';
import { control, managedVm, parseHostConfig } from '../helpers/host-config';
import { listeningTcpAddresses } from '../helpers/proc-net';
import { until } from '../helpers/until';
import { TestControl, testLog } from '../helpers/adapters-harness';

const guest = ensureGuest();
const GUEST_PORT = 8080;
/** The guest's boot id, a UUID its kernel makes at boot: nothing on the host can know it. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dir = '';
let host: HostService | null = null;
let hostPort = 0;

/** A TCP port free on 127.0.0.1 now. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** GET http://127.0.0.1:port/ → the body, or null when nothing answers yet. */
function get(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

describe.skipIf(!guest.ok)(
  'a user-mode NIC with a host port forward (real QEMU)',
  { timeout: 240_000 },
  () => {
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-port-forward-'));
      hostPort = await freePort();
      const config = parseHostConfig(dir, {
        vms: [managedVm(1, 'net', { network: { forwards: [{ hostPort, guestPort: GUEST_PORT }] } })],
        controls: [control('viewer', 1, 'port-forward-viewer', ['OBSERVE'], { console: true })],
      });
      host = await HostService.start({ config, log: testLog, runtimeDir: path.join(dir, 'vms') });
      await host.serialLog(1)!.log.waitFor(GUEST_READY, { timeoutMs: 120_000 });
    }, 180_000);

    afterAll(async () => {
      await host?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('binds the forward to 127.0.0.1 only', () => {
      const pid = host!.vms()[0]!.pid!;
      const forward = listeningTcpAddresses(pid).filter((l) => l.port === hostPort);
      expect(forward).toEqual([{ address: '127.0.0.1', port: hostPort, v6: false }]);
    });

    it("serves the guest's own marker on the forwarded host port", async () => {
      // Nothing listens in the guest yet: QEMU accepts and drops, no page comes back.
      expect(await get(hostPort)).toBeNull();
      const operator = new TestControl(host!.core, {
        name: 'operator',
        principal: 2,
        caps: Cap.OBSERVE | Cap.INPUT,
        leasePrio: 10,
      }).subscribeAll();
      expect(await operator.acquire(1, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
      const log = host!.serialLog(1)!.log;
      const since = log.size();
      expect(
        await operator.type(
          1,
          'mkdir /www; cat /proc/sys/kernel/random/boot_id > /www/index.html; ' +
            'httpd -p 8080 -h /www; cat /www/index.html > /dev/ttyS0\n',
        ),
      ).toEqual([0]);
      const served = (await log.waitFor(/^[0-9a-f-]{36}\r?$/, { since, timeoutMs: 30_000 })).line;
      expect(served).toMatch(UUID);
      let body: string | null = null;
      await until(
        async () => (body = await get(hostPort)) !== null,
        30_000,
        'the page through the forward',
        500,
      );
      expect(body!.trim()).toBe(served);
    });
  },
);
