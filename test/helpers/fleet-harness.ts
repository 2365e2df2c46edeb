/*
 * Scaffolding of the three-host fleet test (fleet-hosts.test.ts): each host's configuration
 * (its operator, alice's control with VM 1 granted, bob's without), who holds a lease as
 * asked on a host's own socket, a lease held over NATS by a CLI process of its own, and a
 * time-stamped record of what an observer saw.
 */
import { spawn } from 'node:child_process';
import { WireClient } from '../../src/main/wire';
import { Kind, LeaseClass, decodeLeaseStatus, encodeLeaseReq } from '../../src/shared/model';
import { control, managedVm } from './host-config';
import { until } from './until';
import { VMSIG_BIN } from './vmsig-cli';

export const NAMES = ['a', 'b', 'c'] as const;
export type HostName = (typeof NAMES)[number];
/** NATS passwords: hosts by name, users alice and bob. */
export const PW: Readonly<Record<HostName | 'alice' | 'bob', string>> = {
  a: 'pw-a',
  b: 'pw-b',
  c: 'pw-c',
  alice: 'pw-alice',
  bob: 'pw-bob',
};
export const ALICE_PRINCIPAL = 5;
export const opToken = (h: HostName): string => `operator-token-${h}`;

/** Host `name`'s configuration (its NATS password in `nats.pw` beside it): VM 1, three controls. */
export function hostConfig(name: HostName, natsUrl: string): { controls: unknown[]; [f: string]: unknown } {
  return {
    vms: [managedVm(1, `${name}-guest`)],
    controls: [
      control('operator', 1, opToken(name), ['OBSERVE', 'INPUT', 'VM'], { leasePrio: 10, console: true }),
      control('alice-ctl', ALICE_PRINCIPAL, `alice-unused-${name}`, ['OBSERVE', 'INPUT', 'VM'], {
        leasePrio: 5,
      }),
      control('bob-ctl', 6, `bob-unused-${name}`, ['OBSERVE', 'INPUT'], { endpoints: [2], leasePrio: 6 }),
    ],
    nats: {
      url: natsUrl,
      host: name,
      user: `host-${name}`,
      passwordFile: 'nats.pw',
      users: { alice: 'alice-ctl', bob: 'bob-ctl' },
    },
  };
}

/** Who holds INPUT on VM 1 (principal, 0 when free), asked on a host's own Unix socket. */
export async function inputOwner(socket: string, token: string): Promise<number> {
  const c = await WireClient.connect(socket);
  try {
    await c.hello(token, 'probe');
    const r = await c.request({
      kind: Kind.CMD_LEASE_STATUS,
      endpoint: 1,
      inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }),
    });
    return decodeLeaseStatus(r.inln).ownerPrincipal;
  } finally {
    await c.close();
  }
}

/** A `vmsig lease acquire --hold` process: its PID, what it printed, its exit status. */
export interface Holder {
  pid: number;
  out(): string;
  exited: Promise<number | null>;
  /** Whether it still runs (its PID is still this process's, not a reused one). */
  running(): boolean;
}

/** `lease acquire INPUT --vm 1 --hold` as alice on `host` over NATS; resolves once granted. */
export async function holdLease(natsUrl: string, host: HostName): Promise<Holder> {
  const child = spawn(
    process.execPath,
    [VMSIG_BIN, '--nats', natsUrl, '--host', host, 'lease', 'acquire', 'INPUT', '--vm', '1', '--hold'],
    { env: { ...process.env, VMSIG_NATS_USER: 'alice', VMSIG_NATS_PASSWORD: PW.alice } },
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await until(() => out.includes('granted'), 15_000, `INPUT on ${host} granted over NATS`, 50);
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return { pid: child.pid!, out: () => out, exited, running };
}

/** What an observer saw (a NATS subject, an event kind), each with its arrival time. */
export class Sightings<T> {
  private readonly rows: { what: T; at: number }[] = [];

  /** Records `what` now (performance.now()). */
  add(what: T): void {
    this.rows.push({ what, at: performance.now() });
  }

  /** Arrival time of the first `what` seen after `t`, or null. */
  firstAfter(what: T, t: number): number | null {
    return this.rows.find((r) => r.what === what && r.at > t)?.at ?? null;
  }

  /** How many `what` were seen after `t`. */
  countAfter(what: T, t: number): number {
    return this.rows.filter((r) => r.what === what && r.at > t).length;
  }
}
