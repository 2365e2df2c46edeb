/*
 * The host keeps a journal when asked: commands arriving over the real control socket are
 * on disk with their principal before their reply arrives, and a second host refuses to
 * start on a journal directory another live host writes to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dir, ErrorCode, Kind, LeaseClass, decodeActAck, encodeLeaseReq } from '../../src/shared/model';
import { parseConfig } from '../../src/main/host/config';
import { HostService } from '../../src/main/host/host-service';
import { JournalReader } from '../../src/main/host/journal';
import { WireClient } from '../../src/main/wire';

const TOKEN = 'host-journal-operator';

function config(dir: string, sock: string) {
  return parseConfig(
    {
      socket: path.join(dir, sock),
      vms: [],
      controls: [
        {
          name: 'operator',
          principal: 4,
          token: TOKEN,
          caps: ['OBSERVE', 'INPUT'],
          endpoints: 'all',
          leasePrio: 1,
        },
      ],
    },
    path.join(dir, 'config.json'),
  );
}

describe('HostService with a journal', () => {
  let dir: string;
  let host: HostService;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-host-journal-'));
    host = await HostService.start({
      config: config(dir, 'a.sock'),
      log: () => {},
      journal: { dir: path.join(dir, 'journal') },
    });
  });

  afterAll(async () => {
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('journals a command and its refusal, with the principal and control name, before the reply arrives', async () => {
    const client = await WireClient.connect(host.socketPath);
    try {
      await client.hello(TOKEN, 'journal-test');
      const reply = await client.request(
        {
          kind: Kind.CMD_ACQUIRE,
          dir: Dir.DOWN,
          endpoint: 9,
          inln: encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }),
        },
        5000,
      );
      expect(reply.kind).toBe(Kind.ACT_ACK);
      expect(decodeActAck(reply.inln).err).toBe(ErrorCode.NOENT);
      // The reply has reached the client, so both records must already be readable on disk.
      const page = new JournalReader(path.join(dir, 'journal')).query({ limit: 100, order: 'asc' });
      const cmd = page.records.find((r) => r.event.kind === Kind.CMD_ACQUIRE && r.event.corr === reply.corr);
      const ack = page.records.find((r) => r.event.kind === Kind.ACT_ACK && r.event.corr === reply.corr);
      expect(cmd).toMatchObject({
        principal: 4,
        controlName: 'operator/journal-test',
        refused: ErrorCode.NOENT,
      });
      expect(ack).toBeDefined();
      expect(ack!.rec).toBeGreaterThan(cmd!.rec);
    } finally {
      await client.close();
    }
  });

  it('refuses to start a second live host on the same journal directory (BUSY), and the first keeps writing', async () => {
    await expect(
      HostService.start({
        config: config(dir, 'b.sock'),
        log: () => {},
        journal: { dir: path.join(dir, 'journal') },
      }),
    ).rejects.toThrow(/BUSY: the journal .* is being written by another live vmsig host/);
    // The refused host let go of everything: its socket is gone, the first host's journal is intact.
    expect(fs.existsSync(path.join(dir, 'b.sock'))).toBe(false);
    expect(host.journal()?.state).toBe('ok');
  });
});
