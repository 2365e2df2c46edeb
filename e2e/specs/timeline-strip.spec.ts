/*
 * The activity strip under real load: a burst of cursor reports from a sensor client, the
 * operator grabbing input, the real VM paused and resumed. Its summary (rendered from the
 * layout the canvas paints) must count them per kind group, show the lease span and the
 * lifecycle marks, and the canvas's own pixels at the places the summary names must be in
 * the colours it names. A click on the pause mark's second jumps the rows there: the
 * selected row is the first whose own timestamp is in or after that second.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../harness/fixtures';
import { cursorBurst } from '../harness/sensor';
import type { ConsolePage } from '../pages/console-page';

const BURST = 400;

const summary = (page: Page): Locator => page.locator('#activity-summary');
const group = (page: Page, name: string): Locator => summary(page).locator(`li[data-group="${name}"]`);
const num = async (loc: Locator, attr: string): Promise<number> => Number(await loc.getAttribute(attr));

/** The canvas pixel at (x, y) CSS px as #rrggbb (what was really painted there). */
async function pixel(ui: ConsolePage, x: number, y: number): Promise<string> {
  // Runs in the page: the canvas's own bitmap, scaled by the device pixel ratio it was drawn at.
  const read = `(() => {
    const c = document.querySelector('canvas.activity-strip');
    const dpr = c.width / c.clientWidth;
    const d = c.getContext('2d').getImageData(Math.floor(${x} * dpr), Math.floor(${y} * dpr), 1, 1).data;
    return '#' + [d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, '0')).join('');
  })()`;
  return (await ui.page.evaluate(read)) as string;
}

/**
 * Whether two #rrggbb colours are the same paint: the canvas may convert colour spaces, which
 * moves a channel by a step or two (#ef4444 reads back as #ef4343).
 */
function samePaint(a: string, b: string | null): boolean {
  if (!b) return false;
  const ch = (c: string, i: number): number => parseInt(c.slice(1 + 2 * i, 3 + 2 * i), 16);
  return [0, 1, 2].every((i) => Math.abs(ch(a, i) - ch(b, i)) <= 3);
}

/** Puts the pointer on the strip (it holds still from then on) and lets a draw in flight land. */
async function holdStrip(ui: ConsolePage): Promise<Locator> {
  const strip = ui.page.getByRole('img', { name: /^Activity:/ });
  await strip.hover({ position: { x: 2, y: 2 } });
  await ui.page.waitForTimeout(400);
  return strip;
}

async function releaseStrip(ui: ConsolePage): Promise<void> {
  await ui.page.mouse.move(0, 0);
}

/** "HH:MM:SS.mmm" (local time) on the day of `nearMs` → epoch ms. */
function rowTime(text: string, nearMs: number): number {
  const m = /^(\d\d):(\d\d):(\d\d)\.(\d\d\d)$/.exec(text.trim());
  if (!m) throw new Error(`not a row time: ${text}`);
  const d = new Date(nearMs);
  d.setHours(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]));
  return d.getTime();
}

test('the activity strip counts, spans and marks real events, and a click jumps the rows to that second', async ({
  ui,
  host,
}) => {
  test.setTimeout(120_000);
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 30_000 });
  await ui.openTab('Timeline');
  const cursors = group(ui.page, 'input & cursor');
  await expect(cursors).toHaveAttribute('data-total', /\d+/);
  const cursorsBefore = await num(cursors, 'data-total');

  // Events per second per kind group: the burst is counted in full, in its own group.
  await cursorBurst(host, BURST);
  await expect
    .poll(async () => (await num(cursors, 'data-total')) - cursorsBefore, { message: 'the burst counted' })
    .toBeGreaterThanOrEqual(BURST);
  await expect(cursors).toHaveAttribute('data-peak', /\d+/);
  await holdStrip(ui);
  const peak = await num(cursors, 'data-peak');
  expect(peak, 'most of the burst arrived within one second').toBeGreaterThanOrEqual(BURST / 2);
  const [bx, by0, by1] = [
    await num(cursors, 'data-x'),
    await num(cursors, 'data-y0'),
    await num(cursors, 'data-y1'),
  ];
  // A bar is about a column wide (2–3 px): its edges are blended, so one of the three pixels across its middle is pure.
  const across = await Promise.all([bx - 1, bx, bx + 1].map((x) => pixel(ui, x, (by0 + by1) / 2)));
  const barColour = await cursors.getAttribute('data-colour');
  expect(
    across.some((c) => samePaint(c, barColour)),
    `the peak bar is painted in its group colour ${barColour}: ${across.join(' ')}`,
  ).toBe(true);
  await releaseStrip(ui);

  // A lease span after a grab, in the holder's colour, in VM 1's lane.
  await ui.grabButton().click();
  await ui.releaseButton().waitFor();
  const span = summary(ui.page).locator('li[data-held]', { hasText: 'VM 1 INPUT lease held by operator' });
  await expect(span).toHaveCount(1);
  await ui.page.waitForTimeout(2_000);
  await holdStrip(ui);
  const [x0, x1, y, h] = [
    await num(span, 'data-x0'),
    await num(span, 'data-x1'),
    await num(span, 'data-y'),
    await num(span, 'data-h'),
  ];
  expect(x1 - x0, 'the span grew while held').toBeGreaterThan(2);
  const spanPixel = await pixel(ui, (x0 + x1) / 2, y + h / 2);
  expect(samePaint(spanPixel, await span.getAttribute('data-colour')), `span painted: ${spanPixel}`).toBe(
    true,
  );
  await releaseStrip(ui);
  await ui.releaseButton().click();
  await expect(
    summary(ui.page).locator('li', { hasText: 'VM 1 INPUT lease held by operator' }),
  ).not.toHaveAttribute('data-held');

  // Lifecycle marks after a pause and a resume of the real VM; commands and replies counted.
  const commands = group(ui.page, 'commands');
  const commandsBefore = await num(commands, 'data-total');
  await ui.power('Pause').click();
  await expect(ui.lifecycleOf('demo')).toContainText('PAUSED');
  const mark = summary(ui.page)
    .locator('li', { hasText: /VM 1 PAUSED at/ })
    .last();
  await expect(mark).toHaveCount(1);
  await ui.power('Resume').click();
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING');
  await expect(
    summary(ui.page)
      .locator('li', { hasText: /VM 1 RUNNING at/ })
      .last(),
  ).toHaveCount(1);
  await expect
    .poll(async () => (await num(commands, 'data-total')) - commandsBefore, {
      message: 'pause and resume commands',
    })
    .toBeGreaterThanOrEqual(2);

  const strip = await holdStrip(ui);
  const markX = await num(mark, 'data-x');
  const markPixel = await pixel(ui, markX + 1, 4);
  expect(
    samePaint(markPixel, await mark.getAttribute('data-colour')),
    `pause mark painted: ${markPixel}`,
  ).toBe(true);
  const second = await num(mark, 'data-second');

  // Click that second's column: the rows jump to the first event at or after it.
  await strip.click({ position: { x: await num(mark, 'data-column-x'), y: 30 } });
  const selected = ui.page
    .getByRole('grid', { name: 'Event timeline' })
    .locator('[role=row][aria-selected=true]');
  await expect(selected).toHaveCount(1);
  const rows = ui.timelineRows();
  const texts = await rows.evaluateAll((els) =>
    els.map((el) => ({
      selected: el.getAttribute('aria-selected') === 'true',
      seq: Number(el.querySelector('.c-seq')?.textContent),
      time: el.querySelector('.c-time')?.textContent ?? '',
    })),
  );
  const at = texts.findIndex((r) => r.selected);
  const start = second * 1000;
  const selectedMs = rowTime(texts[at]!.time, start);
  expect(selectedMs, 'the selected row is at or after the clicked second').toBeGreaterThanOrEqual(start);
  expect(selectedMs - start, 'and in it (the pause was routed then)').toBeLessThan(2_000);
  expect(at, 'the row before it is shown too').toBeGreaterThan(0);
  expect(rowTime(texts[at - 1]!.time, start), 'the row before it is earlier').toBeLessThan(start);
  expect(texts[at - 1]!.seq).toBeLessThan(texts[at]!.seq);
  await releaseStrip(ui);
});
