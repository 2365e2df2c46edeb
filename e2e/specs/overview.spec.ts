/* The console shows the running VM with its seams, the live screen, and the panels. */
import { expect, test } from '../harness/fixtures';

test('the VM list shows the managed VM running with every seam up, and its screen is live', async ({
  ui,
  page,
  shot,
}) => {
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 20_000 });
  for (const seam of ['INPUT', 'VMHOST']) await ui.seam('demo', seam, true).waitFor();
  await ui.waitForLiveScreen('demo');
  await shot(page, '01-main-view');
});

test('the theme follows the system colour scheme (dark)', async ({ page, shot }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
  await shot(page, '01b-main-view-dark');
  expect(bg, 'dark background').toBe('rgb(18, 21, 27)');
});

test('the controls panel lists the console itself with its principal and caps', async ({
  ui,
  page,
  shot,
}) => {
  await ui.openTab('Controls');
  await expect(ui.table('Controls')).toContainText('operator (this console)');
  await expect(ui.table('Controls')).toContainText('OBSERVE INPUT LIFECYCLE POWER VM');
  await shot(page, '02-controls-panel');
});
