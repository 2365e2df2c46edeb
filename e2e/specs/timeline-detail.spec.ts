/*
 * Inspect and export: the detail pane links a command and its reply by corr and shows the
 * raw bytes, Copy puts the decoded event on the clipboard, and the JSONL and CSV exports of
 * the current filter hold exactly the rows shown (each file read back from the download).
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, joinedText, test } from '../harness/fixtures';

async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return fs.readFileSync(await file.path(), 'utf8');
}

const shown = async (page: Page): Promise<number> =>
  Number(/(\d+) shown/.exec((await page.getByLabel('Event count').textContent()) ?? '')![1]);

test('the detail pane links the pause command and its ACT_ACK by corr, shows raw bytes, and copies', async ({
  ui,
  page,
  shell,
}) => {
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 20_000 });
  await ui.power('Pause').click();
  await expect(ui.lifecycleOf('demo')).toContainText('PAUSED');
  await ui.power('Resume').click();
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING');
  await ui.filterTimeline({ kind: 'ACT_ACK' });
  await ui.timelineRows('ACT_ACK').last().click();
  const detail = page.getByRole('region', { name: 'Event detail' });
  const link = detail.getByLabel('Linked by corr');
  await expect(link).toContainText(/Answers CMD_VM seq \d+ \(corr \d+\)/);
  await expect(detail.getByLabel('Decoded fields')).toContainText('"kind": "ACT_ACK"');
  // ACT_ACK is kind 48 (0x30): the first bytes of the body, little-endian.
  await expect(detail.getByLabel('Raw bytes')).toContainText(/^0000 {2}30 00 00 00/);
  const corr = /corr (\d+)/.exec((await link.textContent()) ?? '')![1];
  await link.getByRole('button').click();
  await expect(detail.getByLabel('Decoded fields')).toContainText('"kind": "CMD_VM"');
  await expect(detail.getByLabel('Raw bytes')).toContainText(/^0000 {2}46 00 00 00/);
  await expect(link).toContainText(new RegExp(`Answered by ACT_ACK seq \\d+ \\(corr ${corr}\\)`));

  test.skip(shell === 'electron', 'the clipboard permission is granted through the browser context');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await detail.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(detail.getByRole('status')).toHaveText('Copied');
  const copied = JSON.parse((await page.evaluate('navigator.clipboard.readText()')) as string) as Record<
    string,
    unknown
  >;
  expect(copied).toMatchObject({ kind: 'CMD_VM', dir: 'DOWN', corr: Number(corr) });
});

test('JSONL and CSV exports hold exactly the rows the filter shows', async ({ ui, page }) => {
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 20_000 });
  await ui.power('Pause').click();
  await expect(ui.lifecycleOf('demo')).toContainText('PAUSED');
  await ui.power('Resume').click();
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING');
  await ui.filterTimeline({ kind: 'VM_LIFECYCLE' });
  await expect.poll(joinedText(ui.timelineRows('VM_LIFECYCLE'))).toContain('state=RUNNING');
  const count = await shown(page);

  const jsonl = (await download(page, 'Export JSONL'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { row: string; kind: string; seq: number; fields: { state?: string } });
  expect(jsonl).toHaveLength(count);
  expect(new Set(jsonl.map((r) => r.kind))).toEqual(new Set(['VM_LIFECYCLE']));
  expect(jsonl.map((r) => r.fields.state)).toEqual(expect.arrayContaining(['PAUSED', 'RUNNING']));

  const csv = (await download(page, 'Export CSV')).trimEnd().split('\r\n');
  expect(csv[0]).toBe('row,seq,tsNs,endpoint,kind,source,dir,prio,corr,origin,fields');
  expect(csv).toHaveLength(count + 1);
  // The same rows in the same order: seq is the second column.
  expect(csv.slice(1).map((l) => Number(l.split(',')[1]))).toEqual(jsonl.map((r) => r.seq));
  expect(csv.slice(1).every((l) => l.split(',')[4] === 'VM_LIFECYCLE')).toBe(true);
  expect(csv.some((l) => l.includes('state=PAUSED'))).toBe(true);
});
