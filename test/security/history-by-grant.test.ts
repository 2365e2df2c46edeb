/*
 * Issue 10 item 8: history by grant. The console's `history.query` serves journaled events
 * filtered exactly as the console control receives them live: endpoints outside its grant
 * and kinds its capabilities do not allow (guest memory without MEMREAD) never come back,
 * whoever journaled them. A real core, a real journal on disk, the real console service;
 * the live stream is checked beside history so both are held to the same rule.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, type ControlSpec, Core, ManualClock, maskOf } from '../../src/main/core';
import { type ConsoleHostPort, ConsoleService, type PushSink } from '../../src/main/host/console';
import { type Journal, openJournal } from '../../src/main/host/journal';
import { unpackEventRecords } from '../../src/shared/ipc-records';
import {
  Cap,
  Dir,
  ErrorCode,
  Kind,
  MemWriteFlag,
  Prio,
  Source,
  type VmsigEvent,
  encodeLeaseReq,
  encodeMemWrite,
  encodeSeam,
  makeEvent,
} from '../../src/shared/model';

const sinkOf = (): PushSink & { events: VmsigEvent[] } => {
  const events: VmsigEvent[] = [];
  return {
    events,
    eventsEnabled: true,
    push: (ch, payload) => {
      if (ch === 'events') events.push(...unpackEventRecords(payload as Uint8Array));
    },
  };
};

let dir = '';
let journal: Journal | null = null;
let svc: ConsoleService | null = null;
afterEach(() => {
  svc?.stop();
  journal?.close();
  svc = null;
  journal = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Endpoints 1 and 2 with a VMHOST and a MEMCTX seam each; a journal; the console with
 * `consoleSpec`. Another control (all caps, all endpoints) writes guest memory on both.
 */
function world(consoleSpec: ControlSpec) {
  const clock = new ManualClock(1_000_000);
  const core = new Core({ clock });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-history-grant-'));
  journal = openJournal(core, { dir });
  const j = journal;
  for (const ep of [1, 2]) {
    core.addEndpoint(ep, `vm${ep}`);
    for (const source of [Source.VMHOST, Source.MEMCTX]) {
      const port = core.registerAdapter({
        source,
        endpoint: ep,
        defaultPrio: Prio.NORMAL,
        codec: 0,
        handle: (cmd) => void port.ack(cmd, ErrorCode.OK),
      });
      port.emit({ kind: Kind.SEAM_UP, inln: encodeSeam({ seam: source, reason: 0 }) });
    }
  }
  const host: ConsoleHostPort = {
    core,
    journal: () => j,
    vms: () => [],
    hostOp: async () => {},
    consoleControl: () => consoleSpec,
    readiness: () => ({ qemu: null, guest: null }),
    nowNs: () => clock.nowNs(),
  };
  svc = new ConsoleService(host, { tickMs: 5 });
  svc.start();
  const live = sinkOf();
  svc.addSink(live);
  const writer = core.attachControl(
    {
      name: 'writer',
      principal: 5,
      caps: Cap.MEMWRITE | Cap.MEMREAD | Cap.OBSERVE,
      grant: ALL_ENDPOINTS,
      leasePrio: 1,
    },
    { wake: () => {}, closed: () => {} },
  );
  const memwrite = (ep: number): void => {
    const lease = encodeLeaseReq({ cls: 2, reason: 0 });
    core.submit(writer, makeEvent({ kind: Kind.CMD_ACQUIRE, dir: Dir.DOWN, endpoint: ep, inln: lease }));
    const secret = new TextEncoder().encode('root-password-in-guest-ram');
    const inln = encodeMemWrite({
      flags: MemWriteFlag.SRC_INLINE,
      gva: 0x1000n,
      len: 26,
      inlineData: secret,
    });
    core.submit(writer, makeEvent({ kind: Kind.CMD_MEMWRITE, dir: Dir.DOWN, endpoint: ep, inln }));
  };
  return { core, svc, live, memwrite, journal: j };
}

async function history(s: ConsoleService): Promise<VmsigEvent[]> {
  const r = (await s.dispatch('history.query', { limit: 1000 })) as { ok: true; value: { records: string } };
  expect(r.ok).toBe(true);
  return unpackEventRecords(Buffer.from(r.value.records, 'base64'));
}

const settle = () => new Promise((r) => setTimeout(r, 40));
const summary = (evs: VmsigEvent[]) => new Set(evs.map((e) => `${e.endpoint}:${e.kind}`));
/** Every event the journal holds, whoever may see it. */
const journaled = (w: ReturnType<typeof world>): VmsigEvent[] =>
  w.journal
    .reader()
    .query({ limit: 1000 })
    .records.map((r) => r.event);

describe('history.query is filtered like live events (issue 10 item 8)', () => {
  it('hides endpoints outside the console’s grant', async () => {
    const w = world({
      name: 'console',
      principal: 1,
      caps: Cap.OBSERVE | Cap.MEMREAD,
      grant: maskOf([1]),
      leasePrio: 9,
    });
    w.memwrite(1);
    w.memwrite(2);
    await settle();
    // The journal holds both endpoints' events...
    expect(journaled(w).map((e) => e.endpoint)).toContain(2);
    // ...the console sees only endpoint 1 (and the core's own endpoint 0), in history as live.
    const past = await history(w.svc);
    expect(past.length).toBeGreaterThan(0);
    expect(past.filter((e) => e.endpoint === 2)).toEqual([]);
    expect(summary(past)).toContain(`1:${Kind.CMD_MEMWRITE}`);
    expect(w.live.events.filter((e) => e.endpoint === 2)).toEqual([]);
  });

  it('hides kinds the caps do not allow: guest memory writes without MEMREAD', async () => {
    const w = world({ name: 'console', principal: 1, caps: Cap.OBSERVE, grant: ALL_ENDPOINTS, leasePrio: 9 });
    w.memwrite(1);
    await settle();
    expect(journaled(w).map((e) => e.kind)).toContain(Kind.CMD_MEMWRITE);
    const past = await history(w.svc);
    expect(past.map((e) => e.kind)).not.toContain(Kind.CMD_MEMWRITE);
    expect(past.map((e) => e.kind)).toContain(Kind.SEAM_UP);
    expect(w.live.events.map((e) => e.kind)).not.toContain(Kind.CMD_MEMWRITE);
  });

  it('a console without OBSERVE gets no one else’s events from history, only replies addressed to itself', async () => {
    const w = world({
      name: 'console',
      principal: 1,
      caps: Cap.MEMWRITE,
      grant: ALL_ENDPOINTS,
      leasePrio: 9,
    });
    w.memwrite(1);
    await w.svc.dispatch('lease.acquire', { endpoint: 1, cls: 'POWER' }).catch(() => undefined);
    await settle();
    const past = await history(w.svc);
    // Only what was addressed to the console itself (its refused POWER acquire's reply).
    expect(past.every((e) => e.dir === Dir.UP && e.origin === w.svc.id)).toBe(true);
    expect(past.map((e) => e.kind)).not.toContain(Kind.CMD_MEMWRITE);
    expect(past.map((e) => e.kind)).not.toContain(Kind.SEAM_UP);
  });
});
