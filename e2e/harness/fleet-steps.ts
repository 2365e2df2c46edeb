/*
 * Steps of the fleet e2e spec on B's VM in A's page that read as one story each: macros
 * played and recorded on B, and the timeline's gap row filled from B's journal after a bus
 * outage. Kept here so the spec (one fleet, one guest) stays readable.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';
import { type RunningHost, vmsig, waitForSerial } from './host';
import { typeLikeAPerson } from './keyboard';
import { type TimelineRow, exportedRows } from './timeline-rows';
import { loadLayout, strokesFor } from '../../src/main/host/keymap';
import { MacroStore } from '../../src/main/host/macros';

/** A's page with B's VM selected and grabbed: its input bar and B's screen. */
export interface OnB {
  page: Page;
  a: RunningHost;
  b: RunningHost;
  bar: Locator;
  screen: Locator;
}

/**
 * A macro saved on A plays on B's VM, and one recorded on B's VM in A's page is saved on A
 * (0600) with the typed keys and timing and plays back on B; nothing stays held on B.
 */
export async function macrosOnB({ page, a, b, bar, screen }: OnB): Promise<void> {
  // A macro saved on A plays on B's VM from the Macros… dialog: A's player, B's core
  // deciding and acking each key; B's shell runs it.
  const serialB = (): string => fs.readFileSync(b.serialPath, 'utf8');
  const macroMark = `MACRO${Date.now() % 100000}`;
  const en = loadLayout('en-us');
  new MacroStore(path.join(a.dir, 'macros')).save({
    name: 'fleet-echo',
    steps: [...`echo ${macroMark} >/dev/ttyS0\n`].flatMap((ch) =>
      strokesFor(en, ch).map((k) => ({ delayMs: 5, code: k.code, down: k.down })),
    ),
  });
  await bar.getByRole('button', { name: 'Macros…' }).click();
  const macros = page.getByRole('dialog', { name: 'Play macro' });
  await expect(macros).toContainText('Play a macro on demo on b');
  await macros.getByLabel('Macro', { exact: true }).selectOption('fleet-echo');
  await macros.getByRole('button', { name: 'Play', exact: true }).click();
  await waitForSerial(b.serialPath, macroMark, 30_000);
  await expect(page.getByText(/Played macro "fleet-echo"/)).toBeVisible({ timeout: 20_000 });
  await macros.getByRole('button', { name: 'Close' }).click();
  expect(vmsig(b, ['held', '--vm', '1']).trim()).toBe('VM 1: nothing held');

  // A macro recorded on B's VM in A's page, as on a local VM: the keys typed on B's screen
  // with their timing, saved on A (0600) by name; played back on B, B's guest runs it again.
  const recMark = `RECORDED${Date.now() % 100000}`;
  const recText = `echo ${recMark} >/dev/ttyS0\n`;
  const typedSteps = [...recText].flatMap((ch) =>
    strokesFor(en, ch).map((k) => `${k.down ? '+' : '-'}${k.code}`),
  );
  const marks = (): number => serialB().split(recMark).length - 1;
  await bar.getByRole('button', { name: 'Record macro' }).click();
  await screen.focus();
  await typeLikeAPerson(page, recText.trimEnd());
  await page.keyboard.press('Enter');
  await expect.poll(marks, { timeout: 30_000 }).toBe(1);
  await expect(bar.getByRole('status', { name: 'Macro recording' })).toHaveText(
    `Recording macro: ${typedSteps.length} key events`,
  );
  await bar.getByRole('button', { name: 'Stop recording' }).click();
  const saveForm = bar.getByRole('form', { name: 'Save macro' });
  await saveForm.getByLabel('Macro name').fill('fleet-recorded');
  await saveForm.getByRole('button', { name: 'Save macro' }).click();
  await expect(
    page.getByText(`Saved macro "fleet-recorded" (${typedSteps.length} key events)`),
  ).toBeVisible();
  const recFile = path.join(a.dir, 'macros', 'fleet-recorded.json');
  expect(fs.statSync(recFile).mode & 0o777).toBe(0o600);
  const recorded = new MacroStore(path.join(a.dir, 'macros')).load('fleet-recorded');
  expect(recorded.steps.map((st) => `${st.down ? '+' : '-'}${st.code}`)).toEqual(typedSteps);
  // Its timing is the typing's: each key held about as long as the page pressed it (15 ms).
  const held = recorded.steps.filter((st, i) => i > 0 && !st.down).map((st) => st.delayMs);
  expect(held.filter((ms) => ms >= 10).length).toBeGreaterThan(held.length / 2);
  await bar.getByRole('button', { name: 'Macros…' }).click();
  await macros.getByLabel('Macro', { exact: true }).selectOption('fleet-recorded');
  await macros.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(marks, { timeout: 30_000 }).toBe(2);
  await expect(page.getByText(/Played macro "fleet-recorded"/)).toBeVisible({ timeout: 20_000 });
  await macros.getByRole('button', { name: 'Close' }).click();
  expect(vmsig(b, ['held', '--vm', '1']).trim()).toBe('VM 1: nothing held');
}

/**
 * After a bus outage, A's timeline has one gap row naming B and the count, filled from B's
 * journal: B's INPUT grant made while the bus was down is a row of host b after it, in B's
 * seq order. Keeps B's feed moving (cursor reports) until the row shows.
 */
export async function expectGapFilledFromB(page: Page, b: RunningHost): Promise<void> {
  let gapText = '';
  await expect
    .poll(async () => {
      // B's next event carries its feed count, which reveals the jump.
      vmsig(b, ['cursor', '400', '150', '--vm', '1']);
      gapText = (await page.locator('[data-gap]').allTextContents()).join(' | ');
      return gapText;
    })
    .toMatch(/Gap: \d+ events of host b missed/);
  expect(
    Number(/Gap: (\d+)/.exec(gapText)?.[1]),
    'at least the three cursor reports and the INPUT grant',
  ).toBeGreaterThanOrEqual(4);
  console.log(`[fleet] gap row after the bus returned: ${gapText}`);
  // Filled from B's journal: the row says how many, and B's INPUT grant made while the bus
  // was down is a row of host b after it, with its own seq, in B's seq order.
  expect(gapText).toMatch(/; [1-9]\d* filled below from host b's journal/);
  const rows = (await exportedRows(page)) as (TimelineRow & { host?: string })[];
  const gapAt = rows.findIndex((r) => r.row === 'gap' && /host b/.test(JSON.stringify(r)));
  expect(gapAt).toBeGreaterThan(0);
  const lastBefore = rows
    .slice(0, gapAt)
    .filter((r) => r.host === 'b')
    .at(-1)!;
  const filledB = rows.slice(gapAt + 1).filter((r) => r.host === 'b' && r.row === 'event');
  const grant = filledB.find((r) => r.kind === 'LEASE_GRANTED');
  expect(grant, 'the INPUT grant made while the bus was down').toBeDefined();
  expect(grant!.seq!).toBeGreaterThan(lastBefore.seq!);
  const seqs = filledB.map((r) => r.seq!);
  expect(seqs).toEqual([...seqs].sort((p, q) => p - q));
  console.log(
    `[fleet] after the gap row: ${filledB
      .slice(0, 8)
      .map((r) => `${r.kind}#${r.seq}`)
      .join(' ')}`,
  );
}
