/*
 * Logging in to the Debian image by typing on its screen in the page, as an operator does:
 * grab the keyboard (the INPUT lease), type root / the password on tty1, run a command that
 * writes to ttyS0, and wait for its marker in the serial pane. Shared by the Debian specs.
 */
import { type Locator, expect } from '@playwright/test';
import { DEBIAN_ROOT_PASSWORD } from '../../test/helpers/debian';
import type { ConsolePage } from '../pages/console-page';
import { typeLikeAPerson } from './keyboard';

/** The serial pane's terminal (xterm) of the VM shown. */
export const serialTerminal = (ui: ConsolePage): Locator =>
  ui.page.getByRole('region', { name: 'Serial console' }).getByTestId('serial-terminal');

/**
 * Grabs VM `vm`'s screen, logs in on tty1 and types `command` (which must write `marker` to
 * /dev/ttyS0), then releases the keyboard. Under TCG on a loaded machine login can be slow
 * to ask for the password: a second round covers keys typed before a prompt was ready.
 * Fails unless `marker` reaches the serial pane.
 */
export async function loginOnScreenAndRun(
  ui: ConsolePage,
  vm: string,
  command: string,
  marker: string,
): Promise<void> {
  const { page } = ui;
  const serial = serialTerminal(ui);
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  await ui.screen(vm).click();
  // tty1 echoes what is typed there; only the shell's output reaches ttyS0.
  for (let round = 0; round < 2; round++) {
    await page.keyboard.press('Enter');
    await typeLikeAPerson(page, 'root');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(4000);
    await typeLikeAPerson(page, DEBIAN_ROOT_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(6000);
    await typeLikeAPerson(page, command);
    await page.keyboard.press('Enter');
    const seen = await expect(serial)
      .toContainText(marker, { timeout: 40_000 })
      .then(() => true)
      .catch(() => false);
    if (seen) break;
  }
  await expect(serial).toContainText(marker);
  await ui.releaseButton().click();
}
