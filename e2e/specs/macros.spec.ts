/*
 * Keyboard macros in the console: keys typed on the grabbed screen are recorded, saved by
 * name (0600 on the host), and played again from the Macros… dialog, so the guest's shell
 * runs the same command a second time; a macro holding Shift cancelled mid-way leaves
 * nothing held and the next typed characters arrive unmodified.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../harness/fixtures';
import { vmsig, waitForSerial } from '../harness/host';
import { typeLikeAPerson } from '../harness/keyboard';

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Play macro' });
const bar = (page: Page) => page.getByRole('toolbar', { name: 'Input' });
const count = (file: string, marker: string) => fs.readFileSync(file, 'utf8').split(marker).length - 1;

async function play(page: Page, name: string): Promise<void> {
  await bar(page).getByRole('button', { name: 'Macros…' }).click();
  await dialog(page).getByRole('combobox', { name: 'Macro', exact: true }).selectOption(name);
  await dialog(page).getByRole('button', { name: 'Play' }).click();
}

test('a macro recorded on the grabbed screen is saved 0600 and plays the same text into the guest', async ({
  ui,
  page,
  host,
}) => {
  await ui.waitForLiveScreen('demo');
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  try {
    await bar(page).getByRole('button', { name: 'Record macro' }).click();
    await ui.screen('demo').click();
    const marker = `macro-${Date.now().toString(36)}`;
    await typeLikeAPerson(page, `echo ${marker} >/dev/ttyS0`);
    await page.keyboard.press('Enter');
    await waitForSerial(host.serialPath, marker);
    await expect(bar(page).getByRole('status', { name: 'Macro recording' })).toContainText(/\d+ key events/);
    await bar(page).getByRole('button', { name: 'Stop recording' }).click();
    const name = `greet-${Date.now().toString(36)}`;
    await bar(page).getByLabel('Macro name').fill(name);
    await bar(page).getByRole('button', { name: 'Save macro' }).click();
    await expect(page.getByText(`Saved macro "${name}"`)).toBeVisible();
    const file = path.join(host.dir, 'macros', `${name}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    expect(count(host.serialPath, marker)).toBe(1);
    await play(page, name);
    await expect.poll(() => count(host.serialPath, marker), { timeout: 20_000 }).toBe(2);
    await expect(page.getByText(`Played macro "${name}"`)).toBeVisible();
    await dialog(page).getByRole('button', { name: 'Close' }).click();
    expect(vmsig(host, ['held', '--vm', '1'])).toContain('VM 1: nothing held');
  } finally {
    await ui.releaseButton().click();
  }
});

test('Cancel stops a macro that holds Shift: nothing stays held, the next keys are lower case', async ({
  ui,
  page,
  host,
}) => {
  const dir = path.join(host.dir, 'macros');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `shouting-${Date.now().toString(36)}`;
  const steps = [
    { delayMs: 0, code: 42, down: true },
    ...Array.from({ length: 400 }, (_, i) => ({ delayMs: 20, code: 30, down: i % 2 === 0 })),
    { delayMs: 0, code: 42, down: false },
  ];
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ vmsigMacro: 1, name, steps }), {
    mode: 0o600,
  });
  await ui.waitForLiveScreen('demo');
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  try {
    await play(page, name);
    await expect
      .poll(() => vmsig(host, ['held', '--vm', '1']).trim(), { timeout: 20_000 })
      .toContain('KEY:42');
    await dialog(page).getByRole('button', { name: 'Cancel macro' }).click();
    await expect(
      page.getByText(new RegExp(`Macro "${name}" cancelled after \\d+ of 402 key events`)),
    ).toBeVisible();
    expect(vmsig(host, ['held', '--vm', '1'])).toContain('VM 1: nothing held');
    await dialog(page).getByRole('button', { name: 'Close' }).click();
    // The page releases nothing of the host's here: a Shift left held would make this "ECHO …".
    await ui.screen('demo').click();
    const marker = `after-macro-${Date.now().toString(36)}`;
    await page.keyboard.press('Enter');
    await typeLikeAPerson(page, `echo ${marker} >/dev/ttyS0`);
    await page.keyboard.press('Enter');
    await waitForSerial(host.serialPath, marker);
  } finally {
    await ui.releaseButton().click();
  }
});
