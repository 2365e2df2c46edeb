/*
 * No silent gaps when the journal itself cannot supply events: the host's journal keeps 1
 * cursor report in 10 (its default policy), so a burst of cursor reports routed while a
 * window's API socket was down comes back from the journal only in part. The timeline then
 * loads what the journal kept and shows a gap row saying how many were sampled away and
 * when; a reload's history shows the same.
 */
import { expect, test } from '../harness/fixtures';
import { cursorBurst } from '../harness/sensor';
import { cutSockets, exportedRows } from '../harness/timeline-rows';

const BURST = 300;

const sampledCount = (text: string): number =>
  Number(
    /Gap: (?:up to )?(\d+) CURSOR_STATE events routed .* the journal sampled them away/.exec(text)?.[1] ??
      NaN,
  );

test('cursor reports the journal sampled away while a window was cut off show as a counted gap row', async ({
  host,
  shell,
  context,
  openConsole,
}) => {
  test.skip(shell === 'electron', 'cuts the page WebSocket; the Electron shell has none');
  const api = await cutSockets(context);
  const ui = await openConsole();
  await expect(ui.historyBanner()).not.toContainText('Loading');
  const before = await exportedRows(ui.page);
  const cursorsBefore = before.filter((r) => r.row === 'event' && r.kind === 'CURSOR_STATE').length;

  await api.cut();
  await expect(ui.page.getByRole('status', { name: 'Host connection' })).toHaveText('disconnected');
  await cursorBurst(host, BURST);
  api.restore();
  await ui.waitConnected();

  const gap = ui.page.locator('[data-gap]', { hasText: 'sampled them away' });
  await expect(gap).toHaveCount(1);
  const text = (await gap.textContent()) ?? '';
  expect(text).toMatch(/routed \d\d:\d\d:\d\d(–\d\d:\d\d:\d\d)?/);
  const missing = sampledCount(text);
  const after = await exportedRows(ui.page);
  const loaded = after.filter((r) => r.row === 'event' && r.kind === 'CURSOR_STATE').length - cursorsBefore;
  // The journal kept some of the burst (loaded in order into the rows), and the gap row
  // accounts for the rest: nothing is missing without being said. Up to 9 reports sampled
  // away before the burst (no kept record counted them yet) may be in the bound as well.
  expect(loaded, 'the journal supplied the reports it kept').toBeGreaterThan(0);
  expect(loaded, 'the journal did not keep every report').toBeLessThan(BURST);
  expect(loaded + missing, 'every report of the burst is either shown or counted').toBeGreaterThanOrEqual(
    BURST,
  );
  expect(loaded + missing).toBeLessThanOrEqual(BURST + 9);
  expect(after.filter((r) => r.row === 'gap')).toHaveLength(1);

  // A fresh page reads the burst as history: the page that holds it says what was sampled away.
  await ui.page.reload();
  await ui.waitConnected();
  await expect(ui.historyBanner()).not.toContainText('Loading');
  // The rows above the view are not rendered (a windowed list): read them from the export.
  const notes = (await exportedRows(ui.page))
    .filter((r) => r.row === 'gap' && typeof r.fields === 'string' && r.fields.includes('sampled them away'))
    .map((r) => r.fields as string);
  expect(notes.length, 'a history page says what the journal sampled away').toBeGreaterThan(0);
  expect(notes.map(sampledCount).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(missing - 9);
});
