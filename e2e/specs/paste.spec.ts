/*
 * Paste as keystrokes: the dialog previews what the chosen layout cannot type, types the
 * text into the guest's shell under the console's INPUT lease (it reaches the serial port),
 * and a Cancel during a long paste stops it with no key left held.
 */
import { expect, test } from '../harness/fixtures';
import { vmsig, waitForSerial } from '../harness/host';
import type { Page } from '@playwright/test';

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Paste as keystrokes' });

async function openPaste(page: Page, layout: string, text: string): Promise<void> {
  await page.getByRole('toolbar', { name: 'Input' }).getByRole('button', { name: 'Paste…' }).click();
  await dialog(page).getByLabel('Layout').selectOption(layout);
  await dialog(page).getByLabel('Text to type').fill(text);
}

test('paste previews untypable characters and types the text into the guest', async ({ ui, page, host }) => {
  await ui.waitForLiveScreen('demo');
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  try {
    await openPaste(page, 'en-us', 'déjà vu');
    await expect(dialog(page).getByRole('status')).toContainText('The en-us layout cannot type: "é" "à"');
    await expect(dialog(page).getByRole('button', { name: 'Type it' })).toBeDisabled();
    await dialog(page).getByLabel('Layout').selectOption('fr');
    await expect(dialog(page).getByRole('status')).toContainText('all typable on fr');
    await dialog(page).getByLabel('Layout').selectOption('en-us');
    const marker = `PASTE-${Date.now().toString(36)}`;
    await dialog(page).getByLabel('Text to type').fill(`echo ${marker} "$((6*7))" >/dev/ttyS0\n`);
    await expect(dialog(page).getByRole('status')).toContainText('all typable on en-us');
    await dialog(page).getByRole('button', { name: 'Type it' }).click();
    await waitForSerial(host.serialPath, `${marker} 42`);
    await expect(dialog(page)).toBeHidden({ timeout: 20_000 });
    expect(vmsig(host, ['held', '--vm', '1'])).toContain('VM 1: nothing held');
  } finally {
    await ui.releaseButton().click();
  }
});

test('cancelling a long paste stops it and leaves no key held', async ({ ui, page, host }) => {
  await ui.waitForLiveScreen('demo');
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  try {
    // Upper case: Shift is pressed around every character, so a cancel lands mid-chord.
    await openPaste(page, 'en-us', `: ${'ABCDEFGH'.repeat(60)}`);
    await dialog(page).getByRole('button', { name: 'Type it' }).click();
    await dialog(page).getByRole('button', { name: 'Cancel paste' }).click();
    await expect(dialog(page)).toBeHidden({ timeout: 20_000 });
    await expect(page.getByText(/Paste cancelled after \d+ of 482 characters/)).toBeVisible();
    expect(vmsig(host, ['held', '--vm', '1'])).toContain('VM 1: nothing held');
    // The cut line is ended (":" makes it a no-op); the next paste arrives unmodified.
    const marker = `after-cancel-${Date.now().toString(36)}`;
    await openPaste(page, 'en-us', `\necho ${marker} >/dev/ttyS0\n`);
    await dialog(page).getByRole('button', { name: 'Type it' }).click();
    await waitForSerial(host.serialPath, marker);
  } finally {
    await ui.releaseButton().click();
  }
});
