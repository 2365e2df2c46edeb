/*
 * Payload limits per kind (issue 10 item 6, protocol §10), over the real control socket:
 * an oversized command is answered EXTENT/INVAL and never reaches the VM's adapter, an
 * oversized sensor report is dropped with an ERROR event, the connection stays open, and
 * a flood of refused 64 KiB commands costs the journal neither payloads nor its budget.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_ENDPOINTS, allEvents } from '../../src/main/core';
import { type Journal, JournalReader, openJournal } from '../../src/main/host/journal';
import { WireClient } from '../../src/main/wire';
import {
  Dir,
  ErrorCode,
  Kind,
  LeaseClass,
  MEMWRITE_MAX,
  MemWriteFlag,
  Source,
  type VmsigEvent,
  VmOp,
  decodeActAck,
  decodeErrorInl,
  encodeCursor,
  encodeLeaseReq,
  encodeMemWrite,
  encodeOp,
} from '../../src/shared/model';
import { type Harness, TOKENS, startHarness } from '../helpers/wire-harness';

const memwrite = (size: number) => ({
  kind: Kind.CMD_MEMWRITE,
  endpoint: 1,
  inln: encodeMemWrite({
    gva: 0x1000n,
    len: size,
    flags: MemWriteFlag.SRC_PAYLOAD,
    inlineData: new Uint8Array(),
  }),
  payload: { bytes: new Uint8Array(size).fill(0x41), codec: 0, flags: 0 },
});

const ack = (ev: VmsigEvent) => ({ kind: ev.kind, ...decodeActAck(ev.inln) });

describe('payload limits per kind', () => {
  let h: Harness;
  let journal: Journal;
  let op: WireClient;

  beforeEach(async () => {
    h = await startHarness();
    journal = openJournal(h.core, { dir: path.join(h.dir, 'journal') });
    op = await WireClient.connect(h.socket);
    await op.hello(TOKENS.op, 'payload-test');
  });
  afterEach(async () => {
    await op.close();
    journal.close();
    await h.stop();
  });

  it('a CMD_MEMWRITE over 65536 payload bytes is answered EXTENT and never reaches the adapter', async () => {
    const granted = await op.request({
      kind: Kind.CMD_ACQUIRE,
      endpoint: 1,
      inln: encodeLeaseReq({ cls: LeaseClass.MEMWRITE, reason: 0 }),
    });
    expect(granted.kind).toBe(Kind.LEASE_GRANTED);

    const over = await op.request(memwrite(MEMWRITE_MAX + 1));
    expect(ack(over)).toMatchObject({ kind: Kind.ACT_ACK, ok: 0, err: ErrorCode.EXTENT });
    expect(h.adapter.seen.filter((e) => e.kind === Kind.CMD_MEMWRITE)).toEqual([]);

    // The limit itself is accepted, on the same connection: the refusal closed nothing.
    const atLimit = await op.request(memwrite(MEMWRITE_MAX));
    expect(ack(atLimit)).toMatchObject({ ok: 1, err: ErrorCode.OK });
    const reached = h.adapter.seen.filter((e) => e.kind === Kind.CMD_MEMWRITE);
    expect(reached.map((e) => e.payload?.bytes.length)).toEqual([MEMWRITE_MAX]);
  });

  it('a payload on a kind that defines none is answered INVAL and never reaches the adapter', async () => {
    const reply = await op.request({
      kind: Kind.CMD_VM,
      endpoint: 1,
      inln: encodeOp({ op: VmOp.QUERY }),
      payload: { bytes: new Uint8Array(4096), codec: 0, flags: 0 },
    });
    expect(ack(reply)).toMatchObject({ kind: Kind.ACT_ACK, ok: 0, err: ErrorCode.INVAL });
    const lease = await op.request({
      kind: Kind.CMD_ACQUIRE,
      endpoint: 1,
      inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }),
      payload: { bytes: new Uint8Array(1), codec: 0, flags: 0 },
    });
    expect(ack(lease)).toMatchObject({ kind: Kind.ACT_ACK, ok: 0, err: ErrorCode.INVAL });
    expect(h.adapter.seen).toEqual([]);
    expect(h.core.arbiter.holder(1, LeaseClass.INPUT)).toBeUndefined();
    await op.ping();
  });

  it('an oversized sensor report is dropped with an ERROR event (INVAL) to its sender only', async () => {
    op.subscribe(allEvents(ALL_ENDPOINTS));
    const seenByOp: VmsigEvent[] = [];
    op.onEvent((ev) => seenByOp.push(ev));
    const sensor = await WireClient.connect(h.socket);
    await sensor.hello(TOKENS.sensor, 'sensor');
    const toSensor: VmsigEvent[] = [];
    sensor.onEvent((ev) => toSensor.push(ev));
    sensor.send({
      kind: Kind.CURSOR_STATE,
      source: Source.FRAME,
      dir: Dir.UP,
      endpoint: 1,
      inln: encodeCursor({ x: 1, y: 2, visible: 1, seq: 1 }),
      payload: { bytes: new Uint8Array(100_000), codec: 0, flags: 0 },
    });
    await sensor.ping();
    const errors = toSensor.filter((e) => e.kind === Kind.ERROR).map((e) => decodeErrorInl(e.inln).code);
    expect(errors).toEqual([ErrorCode.INVAL]);
    await op.ping();
    expect(seenByOp.filter((e) => e.kind === Kind.CURSOR_STATE)).toEqual([]);
    // Still connected: a report within limits goes through.
    sensor.send({
      kind: Kind.CURSOR_STATE,
      source: Source.FRAME,
      dir: Dir.UP,
      endpoint: 1,
      inln: encodeCursor({ x: 3, y: 4, visible: 1, seq: 2 }),
    });
    await sensor.ping();
    await op.ping();
    expect(seenByOp.filter((e) => e.kind === Kind.CURSOR_STATE)).toHaveLength(1);
    await sensor.close();
  });

  it('refused commands are journaled without payload, capped per control, and every one is answered', async () => {
    const weak = await WireClient.connect(h.socket);
    await weak.hello(TOKENS.weak, 'no-rights');
    const n = 400;
    const replies = await Promise.all(Array.from({ length: n }, () => weak.request(memwrite(MEMWRITE_MAX))));
    expect(replies.every((r) => r.kind === Kind.ACT_ACK && decodeActAck(r.inln).err === ErrorCode.PERM)).toBe(
      true,
    );
    await weak.close();
    const page = new JournalReader(journal.dir).query({ limit: 10_000, kinds: [Kind.CMD_MEMWRITE] });
    const refused = page.records.filter((r) => r.refused === ErrorCode.PERM);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(n / 2);
    expect(refused.every((r) => r.event.payload === null || r.event.payload.bytes.length === 0)).toBe(true);
    const bytes = fs
      .readdirSync(journal.dir)
      .reduce((s, f) => s + fs.statSync(path.join(journal.dir, f)).size, 0);
    // 400 refused 64 KiB frames would be 26 MiB with their payloads.
    expect(bytes).toBeLessThan(256 * 1024);
    expect(h.adapter.seen).toEqual([]);
  });
});
