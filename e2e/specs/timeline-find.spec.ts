/*
 * Find and share: the filter lives in the page address's query (never the token), a second
 * console opened with that query shows the same view, and go-to-seq, go-to-time and
 * find-next select the row they name and scroll it into view.
 */
import { expect, test } from '../harness/fixtures';

test('the filter is in the address and a second console opened with it shows the same view', async ({
  ui,
  page,
  shell,
  openConsole,
}) => {
  test.skip(shell === 'electron', 'the Electron window has no address bar to share');
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 20_000 });
  await ui.filterTimeline({ kind: 'VM_LIFECYCLE', text: 'running' });
  await expect.poll(() => new URL(page.url()).searchParams.get('kind')).toBe('VM_LIFECYCLE');
  await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('running');
  expect(page.url(), 'the token never enters the address').not.toMatch(/token/i);

  const query = Object.fromEntries(new URL(page.url()).searchParams);
  const other = await openConsole(query);
  const bar = other.page.getByRole('search', { name: 'Timeline filters' });
  await expect(bar.getByLabel('Kind')).toHaveValue(/\d+/);
  await expect(bar.getByLabel('Kind').locator('option:checked')).toHaveText('VM_LIFECYCLE');
  await expect(bar.getByLabel('Filter text')).toHaveValue('running');
  await expect(other.timelineRows('VM_LIFECYCLE').first()).toBeVisible();
  const kinds = await other
    .timelineRows()
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
  expect(new Set(kinds)).toEqual(new Set(['VM_LIFECYCLE']));
});

test('go to seq, go to time and find next select the row they name', async ({ ui, page }) => {
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 20_000 });
  await ui.power('Pause').click();
  await expect(ui.lifecycleOf('demo')).toContainText('PAUSED');
  await ui.power('Resume').click();
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING');
  const find = page.getByRole('group', { name: 'Find in timeline' });
  const detail = page.getByRole('region', { name: 'Event detail' });
  const selected = page
    .getByRole('grid', { name: 'Event timeline' })
    .locator('[role=row][aria-selected=true]');

  // The oldest row's seq: far above the followed tail, so the jump has to scroll.
  const firstRow = ui.timelineRows().first();
  await ui.scrollTimelineToTop();
  const seq = (await firstRow.locator('.c-seq').textContent())!.trim();
  const time = (await firstRow.locator('.c-time').textContent())!.trim();
  await page
    .getByRole('grid', { name: 'Event timeline' })
    .getByRole('rowgroup')
    .evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
  await find.getByLabel('Go to seq').fill(seq);
  await find.getByLabel('Go to seq').press('Enter');
  await expect(detail.getByLabel('Decoded fields')).toContainText(`"seq": ${seq}`);
  await expect(selected.locator('.c-seq')).toHaveText(seq);

  await find.getByLabel('Find text').fill('paused');
  await find.getByRole('button', { name: 'Next' }).click();
  await expect(detail.getByLabel('Decoded fields')).toContainText('"state": "PAUSED"');
  await expect(selected).toHaveAttribute('data-kind', 'VM_LIFECYCLE');

  await find.getByLabel('Go to time').fill(time.slice(0, 8));
  await find.getByLabel('Go to time').press('Enter');
  await expect(selected).toHaveCount(1);
  expect((await selected.locator('.c-time').textContent())! >= time.slice(0, 8)).toBe(true);

  await find.getByLabel('Go to seq').fill('4000000000');
  await find.getByLabel('Go to seq').press('Enter');
  await expect(find.getByRole('status', { name: 'Find result' })).toHaveText('No row with seq 4000000000');
});
