/* Pause/resume, reset, stop/start: the VM list and the timeline reflect each. */
import { expect, joinedText, test } from '../harness/fixtures';

/** History page size for the late tab: small, so paging back is exercised. */
const PAGE = 25;

/** Timeline row height in px (timeline-view.tsx). */
const ROW_PX = 22;

const historyCount = (banner: string | null): number =>
  Number(/(\d+) history events/.exec(banner ?? '')?.[1] ?? 0);

test('pause and resume show in the VM list and as VM_LIFECYCLE events in the timeline', async ({
  ui,
  page,
  shot,
}) => {
  await ui.power('Pause').click();
  await expect(ui.lifecycleOf('demo')).toContainText('PAUSED');
  await ui.filterTimeline({ kind: 'VM_LIFECYCLE' });
  await expect.poll(joinedText(ui.timelineRows('VM_LIFECYCLE'))).toContain('state=PAUSED');
  await shot(page, '05-paused-timeline');
  await ui.power('Resume').click();
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING');
  await expect.poll(joinedText(ui.timelineRows('VM_LIFECYCLE'))).toContain('state=RUNNING');
});

test('reset asks for confirmation, takes the POWER lease and shows in the timeline', async ({
  ui,
  page,
  host,
  shot,
}) => {
  // The guest reboots: the next test must not type into a booting guest.
  host.rebooting();
  await ui.power('Reset').click();
  await ui.confirm();
  await expect(ui.notices()).toContainText('reset demo: ACT_ACK');
  await expect.poll(joinedText(ui.timelineRows('VM_LIFECYCLE'))).toContain('state=RESET');
  await ui.filterTimeline({ kind: 'any kind', text: 'POWER' });
  await expect.poll(joinedText(ui.timelineRows('LEASE_GRANTED'))).toContain('cls=POWER');
  await shot(page, '06-reset-timeline');
});

test('a console opened later shows journal history above the live tail and pages back into it on scroll-up', async ({
  ui,
  host,
  shell,
  openConsole,
  shot,
}) => {
  test.skip(shell === 'electron', 'the Electron window takes no ?historyPage= and opens no second console');
  test.setTimeout(150_000);
  host.rebooting();
  // A reset before the late console connects: it must find it in journal history.
  await ui.power('Reset').click();
  await ui.confirm();
  await expect(ui.notices()).toContainText('reset demo: ACT_ACK');
  // A second tab with small pages: everything before it connected is journal history,
  // and reaching the journal's start (the host's first events) takes many pages.
  const late = await openConsole({ historyPage: String(PAGE) });
  // A background page gets no animation frames (nor scroll events): bring it forward.
  await late.page.bringToFront();
  await late.openTab('Timeline');
  await expect(late.historyBanner()).toContainText(`${PAGE} history events · scroll up for older`);
  let loaded = PAGE;
  const deadline = Date.now() + 90_000;
  while (!/Start of journal/.test((await late.historyBanner().textContent()) ?? '')) {
    expect(Date.now(), `start of journal within 90 s (${loaded} history events loaded)`).toBeLessThan(
      deadline,
    );
    await late.scrollTimelineToTop();
    const view = await late
      .timelineGrid()
      .evaluate(
        (el) => `scrollTop ${el.scrollTop}, scrollHeight ${el.scrollHeight}, clientHeight ${el.clientHeight}`,
      );
    await expect
      .poll(
        async () => {
          const text = (await late.historyBanner().textContent()) ?? '';
          return historyCount(text) > loaded || text.includes('Start of journal');
        },
        { message: `an older page comes in (${loaded} loaded; ${view})` },
      )
      .toBe(true);
    const now = historyCount(await late.historyBanner().textContent());
    // Anchored: the rows that were at the top moved down by exactly the rows added above.
    expect(
      await late.timelineScrollTop(),
      `scroll anchored on the row in view after ${now - loaded} rows`,
    ).toBe((now - loaded) * ROW_PX);
    loaded = now;
  }
  expect(loaded, 'scrolled back past the first page').toBeGreaterThan(PAGE);
  await late.scrollTimelineToTop();
  // The list redraws after the jump: wait until its first row is really drawn at the top.
  await expect
    .poll(
      async () => {
        const grid = await late.timelineGrid().boundingBox();
        const row = await late.timelineRows().first().boundingBox();
        return grid !== null && row !== null && row.y >= grid.y && row.y < grid.y + 3 * row.height;
      },
      { message: 'the first timeline row is drawn at the top of the list' },
    )
    .toBe(true);
  expect(
    await late.timelineRows().first().getAttribute('data-history'),
    'the oldest row is marked as history',
  ).toBe('true');
  await shot(late.page, '07-history-start');
  // Filters apply to history too: the reset command from before this tab connected.
  await late.filterTimeline({ kind: 'CMD_VM' });
  await expect.poll(joinedText(late.timelineRows('CMD_VM'))).toContain('op=RESET');
  const reset = late.timelineRows('CMD_VM').filter({ hasText: 'op=RESET' }).first();
  expect(await reset.getAttribute('data-history'), 'the reset row is marked as history').toBe('true');
});

test('starting the stopped managed VM shows progress, then the VM running with its seams up', async ({
  ui,
  page,
  host,
  shot,
}) => {
  test.setTimeout(120_000);
  host.rebooting();
  await ui.vmRow('demo').getByRole('button', { name: 'Stop' }).click();
  await expect(ui.vmRow('demo').getByLabel('Host state')).toContainText('stopped', { timeout: 20_000 });
  await ui.vmRow('demo').getByRole('button', { name: 'Start' }).click();
  await page.getByRole('progressbar', { name: 'Starting demo' }).waitFor({ timeout: 5_000 });
  await shot(page, '09-starting');
  await ui.seam('demo', 'VMHOST', true).waitFor({ timeout: 60_000 });
  await ui.seam('demo', 'INPUT', true).waitFor({ timeout: 10_000 });
  // The start is over when the guest itself shows output (serial or a display mode), not
  // when QEMU runs: a TCG boot can take a while on a loaded machine.
  await page
    .getByRole('progressbar', { name: 'Starting demo' })
    .waitFor({ state: 'detached', timeout: 90_000 });
  await expect(ui.vmRow('demo').getByLabel('Host state')).toHaveText('running');
  await ui.waitForLiveScreen('demo');
});
