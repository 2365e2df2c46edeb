/*
 * `vmsig journal` over a real journal written by a real core: filters, and exports a
 * spreadsheet and a JSONL consumer can parse back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { openJournal } from '../../src/main/host/journal';
import { Dir, Kind, makeEvent } from '../../src/shared/model';
import { makeJournalRig } from '../helpers/journal-rig';

const dir = mkdtempSync(join(tmpdir(), 'vmsig-journal-cli-'));

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['journal', '--dir', dir, ...args], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

describe('vmsig journal', () => {
  beforeAll(() => {
    const rig = makeJournalRig('sync');
    const j = openJournal(rig.core, { dir });
    for (let i = 1; i <= 3; i++) rig.submitVm(i);
    rig.core.submit(rig.controlId, makeEvent({ kind: Kind.CMD_VM, dir: Dir.DOWN, endpoint: 5, corr: 9 }));
    j.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the newest N records oldest first, with who and the refusal', async () => {
    const r = await cli('--limit', '2', '--since', '1h');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(2);
    expect(r.out[0]).toMatch(/#7 vm5 CMD_VM DOWN corr=9 operator\(7\) REFUSED NOENT op=QUERY$/);
    expect(r.out[1]).toMatch(/#8 vm5 ACT_ACK UP corr=9 operator\(7\) ok=false err=NOENT/);
  });

  it('exports CSV with a header and quoted fields, filtered by kind and vm', async () => {
    const r = await cli('--format', 'csv', '--kind', 'CMD_VM', '--vm', '1');
    expect(r.out[0]).toBe('rec,time,kind,source,dir,prio,vm,seq,corr,ts_ns,principal,control,refused,fields');
    expect(r.out).toHaveLength(4);
    expect(r.out[1]).toMatch(
      /^"1","[^"]+Z","CMD_VM","CONTROL","DOWN","BULK","1","\d+","1","\d+","7","operator","","\{""op"":""QUERY""\}"$/,
    );
  });

  it('exports JSONL that parses back, filtered by principal', async () => {
    const r = await cli('--format', 'jsonl', '--principal', '7', '--kind', 'ACT_ACK');
    const rows = r.out.map(
      (l) =>
        JSON.parse(l) as {
          kind: string;
          corr: number;
          principal: number;
          control: string;
          fields: { ok: boolean };
        },
    );
    expect(rows.map((x) => [x.kind, x.corr, x.fields.ok])).toEqual([
      ['ACT_ACK', 1, true],
      ['ACT_ACK', 2, true],
      ['ACT_ACK', 3, true],
      ['ACT_ACK', 9, false],
    ]);
    expect((await cli('--principal', '8')).out).toEqual([]);
  });

  it('fails clearly on a missing directory and a bad time', async () => {
    const missing = await run(['journal', '--dir', join(dir, 'nope')], { out: () => {}, err: () => {} });
    expect(missing).toBe(1);
    expect((await cli('--until', 'yesterday')).code).toBe(2);
  });
});
