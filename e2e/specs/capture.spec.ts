/*
 * Fullscreen with keyboard capture and the sticky modifier toggles: the grabbed screen goes
 * fullscreen (Chromium's Keyboard Lock where it is allowed), and a sticky Ctrl makes the next
 * key a Ctrl chord in the guest (Ctrl+H erases a character in the shell), then lets go.
 */
import { expect, test } from '../harness/fixtures';
import { vmsig, waitForSerial } from '../harness/host';
import { typeLikeAPerson } from '../harness/keyboard';

test('sticky Ctrl turns the next key into a Ctrl chord in the guest, then releases', async ({
  ui,
  page,
  host,
}) => {
  await ui.grabInput('demo');
  const bar = ui.inputBar();
  try {
    await ui.screen('demo').click();
    const marker = `sticky-${Date.now().toString(36)}`;
    // The trailing X would spoil the path; Ctrl+H (backspace on a tty) must erase it.
    await typeLikeAPerson(page, `echo ${marker} >/dev/ttyS0X`);
    await bar.getByRole('button', { name: 'Ctrl', exact: true }).click();
    await expect(bar.getByRole('button', { name: 'Ctrl', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect.poll(() => vmsig(host, ['held', '--vm', '1']).trim()).toBe('VM 1: KEY:29');
    await ui.screen('demo').focus();
    await page.keyboard.press('h');
    await expect(bar.getByRole('button', { name: 'Ctrl', exact: true })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    await page.keyboard.press('Enter');
    await waitForSerial(host.serialPath, marker);
    await expect.poll(() => vmsig(host, ['held', '--vm', '1']).trim()).toBe('VM 1: nothing held');
  } finally {
    await ui.releaseButton().click();
  }
});

test('Fullscreen puts the grabbed screen in fullscreen with the keyboard captured (Keyboard Lock)', async ({
  ui,
  page,
}) => {
  await ui.grabInput('demo');
  await ui.inputBar().getByRole('button', { name: 'Fullscreen' }).click();
  await expect
    .poll(() =>
      page.evaluate<string | null>("document.fullscreenElement?.getAttribute('aria-label') ?? null"),
    )
    .toBe('Screen of demo');
  // Debian's Chromium grants Keyboard Lock under Playwright (headless too) once the screen is
  // fullscreen from the click's user gesture, so "unavailable" here is a failure.
  await expect(page.getByRole('status', { name: 'Keyboard capture' })).toHaveText(
    'Keyboard captured (Esc held exits)',
  );
  await page.evaluate('document.exitFullscreen()');
  await expect(page.getByRole('status', { name: 'Keyboard capture' })).toBeHidden();
  await ui.releaseButton().click();
});

test('the release combo can be changed so Ctrl+Alt stays with the guest', async ({ ui, page }) => {
  await ui.waitForLiveScreen('demo');
  const bar = ui.inputBar();
  await bar.getByLabel('Release combo').selectOption('Right Ctrl');
  try {
    await ui.grabButton().click();
    await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
    await ui.screen('demo').click();
    await page.keyboard.down('ControlLeft');
    await page.keyboard.down('AltLeft');
    await page.keyboard.up('AltLeft');
    await page.keyboard.up('ControlLeft');
    await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
    await page.keyboard.press('ControlRight');
    await expect(ui.leaseOwner()).toContainText('INPUT lease free');
  } finally {
    await bar.getByLabel('Release combo').selectOption('Ctrl+Alt');
  }
  // The default is back: Ctrl+Alt ends a grab again.
  await ui.grabButton().click();
  await ui.releaseWithCtrlAlt('demo');
});
