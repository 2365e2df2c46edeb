/*
 * Item 10 of issue 10: no secrets at rest. Keys typed into a VM through the console (a
 * password at a login prompt) reach the VM's input seam and the console's live timeline
 * with their codes, but the journal's files hold none of them: each CMD_INPUT KEY record
 * keeps its press/release and carries the redacted code. `redactKeys: false` in the
 * journal config keeps them (so this test can tell the two apart).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackEventRecords } from '../../src/shared/ipc-records';
import {
  ErrorCode,
  InputKind,
  Kind,
  Prio,
  Source,
  type VmsigEvent,
  decodeInput,
  encodeInput,
  encodeSeam,
} from '../../src/shared/model';
import { Core, ManualClock } from '../../src/main/core';
import { parseConfig } from '../../src/main/host/config';
import { ConsoleService, type PushSink } from '../../src/main/host/console';
import { JournalReader, REDACTED_KEY_CODE, openJournal } from '../../src/main/host/journal';
import { journalSettings } from '../../src/main/host/journal-settings';
import { standInHost } from '../helpers/stand-in-host';

/** "hunter2\n" as evdev key codes. */
const PASSWORD = [35, 22, 49, 20, 18, 19, 3, 28];
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A console typing PASSWORD into VM 1 with a journal set up from `journalConfig` as the config file would. */
async function typePassword(journalConfig: unknown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-redact-'));
  dirs.push(dir);
  const config = parseConfig(
    { vms: [], controls: [], journal: { dir: 'journal', ...(journalConfig as object) } },
    path.join(dir, 'config.json'),
  );
  const settings = journalSettings(config)!;
  const core = new Core({ clock: new ManualClock(1) });
  core.addEndpoint(1, 'demo');
  const journal = openJournal(core, settings);
  const seen: number[] = [];
  const input = core.registerAdapter({
    source: Source.INPUT,
    endpoint: 1,
    defaultPrio: Prio.HIGH,
    codec: 0,
    handle: (cmd) => {
      seen.push(decodeInput(cmd.inln).code);
      input.ack(cmd, ErrorCode.OK);
    },
  });
  input.emit({ kind: Kind.SEAM_UP, inln: encodeSeam({ seam: Source.INPUT, reason: 0 }) });
  const service = new ConsoleService(standInHost({ core, journal: () => journal }), { tickMs: 1 });
  service.start();
  const live: VmsigEvent[] = [];
  const sink: PushSink = {
    eventsEnabled: false,
    push: (channel, payload) => {
      if (channel === 'events') live.push(...unpackEventRecords(payload as Uint8Array));
    },
  };
  service.addSink(sink);
  await service.dispatch('events.subscribe', { enabled: true }, sink);
  expect(await service.dispatch('lease.acquire', { endpoint: 1, cls: 'INPUT' }, sink)).toMatchObject({
    ok: true,
  });
  for (const code of PASSWORD)
    for (const down of [true, false])
      expect(
        await service.dispatch('input.send', { endpoint: 1, type: 'key', code, down }, sink),
      ).toMatchObject({
        ok: true,
      });
  await new Promise((r) => setTimeout(r, 50));
  service.stop();
  journal.close();
  return { dir: settings.dir, seen, live };
}

const keyCodes = (evs: VmsigEvent[]): number[] =>
  evs
    .filter((e) => e.kind === Kind.CMD_INPUT && decodeInput(e.inln).kind === InputKind.KEY)
    .map((e) => decodeInput(e.inln).code);

/** Whether any journal file holds the inline bytes of a KEY press or release of `code`. */
function filesHold(dir: string, code: number): boolean {
  const files = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)));
  return [1, 0].some((value) => {
    const needle = Buffer.from(encodeInput({ kind: InputKind.KEY, code, value, scroll: 0 }).subarray(0, 12));
    return files.some((b) => b.includes(needle));
  });
}

describe('journal redaction of typed keys', () => {
  it('by default, no typed key code is in the journal files; the VM and the live timeline still get every one', async () => {
    const { dir, seen, live } = await typePassword({});
    const twice = PASSWORD.flatMap((c) => [c, c]);
    expect(seen).toEqual(twice);
    expect(keyCodes(live)).toEqual(twice);

    const records = new JournalReader(dir).query({ limit: 10_000, order: 'asc' }).records.map((r) => r.event);
    const journaled = records.filter((e) => e.kind === Kind.CMD_INPUT);
    expect(journaled).toHaveLength(twice.length);
    expect(keyCodes(journaled)).toEqual(twice.map(() => REDACTED_KEY_CODE));
    // Press and release are still told apart: the audit shows typing, not what was typed.
    expect(journaled.map((e) => decodeInput(e.inln).value)).toEqual(PASSWORD.flatMap(() => [1, 0]));
    for (const code of PASSWORD) expect(filesHold(dir, code), `key code ${code} at rest`).toBe(false);
  });

  it('with journal.redactKeys false the codes are kept (the check above can fail)', async () => {
    const { dir } = await typePassword({ redactKeys: false });
    const records = new JournalReader(dir).query({ limit: 10_000, order: 'asc' }).records.map((r) => r.event);
    expect(keyCodes(records)).toEqual(PASSWORD.flatMap((c) => [c, c]));
    expect(filesHold(dir, PASSWORD[0]!)).toBe(true);
  });
});
