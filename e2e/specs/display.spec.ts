/*
 * The screen through the host's RFB relay, as an operator's browser sees it: live, opened
 * with a one-time ticket on the relay's socket (never QEMU's), the token gone from the
 * address bar and from cookies while a reload and a second window keep working, and the
 * screenshot button saving a PNG of the screen.
 */
import { expect, test } from '../harness/fixtures';

test('the screen is live through the relay, the token left the address bar, no cookie holds it, and a reload still works', async ({
  ui,
  page,
  shell,
}) => {
  test.skip(shell !== 'web', 'the token and its URL are the headless host’s');
  await ui.waitForLiveScreen('demo');
  expect(page.url()).not.toContain('token');
  expect(await page.context().cookies()).toEqual([]);
  expect(await page.evaluate('document.cookie')).toBe('');
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.reload();
  await ui.waitForLiveScreen('demo');
  expect(page.url()).not.toContain('token');
  const port = new URL(page.url()).port;
  expect(sockets.length).toBeGreaterThan(0);
  for (const url of sockets)
    expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/(api|display/1\\?ticket=[\\w-]+)$`));
});

test('a second window opened from the console works without the token in its URL', async ({
  ui,
  page,
  shell,
}) => {
  test.skip(shell !== 'web', 'sessionStorage hand-over is the headless host’s');
  await ui.waitForLiveScreen('demo');
  const [second] = await Promise.all([
    page.context().waitForEvent('page'),
    page.evaluate('void window.open(window.location.href)'),
  ]);
  await second.locator('[aria-label="Screen of demo"][data-status="live"]').waitFor({ timeout: 20_000 });
  expect(second.url()).not.toContain('token');
  await second.close();
});

test('the screenshot button saves a PNG of the screen', async ({ ui, page, shell }) => {
  test.skip(shell !== 'web', 'Electron saves downloads through its own dialog');
  await ui.waitForLiveScreen('demo');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save a screenshot of demo' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^demo-.*\.png$/);
  const file = await download.path();
  const bytes = (await import('node:fs')).readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.length).toBeGreaterThan(100);
});
