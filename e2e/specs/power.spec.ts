/* Pause/resume, reset, stop/start: the VM list and the timeline reflect each. */
import { eventually, hasText } from '../harness/assert';
import path from 'node:path';
import { ARTIFACTS, type Spec } from '../harness/runner';
import { ConsolePage } from '../pages/console-page';

/** History page size for the late tab: small, so paging back is exercised. */
const PAGE = 25;

/** Timeline row height in px (timeline-view.tsx). */
const ROW_PX = 22;

function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(`not true: ${what}`);
}

const historyCount = (banner: string | null): number =>
  Number(/(\d+) history events/.exec(banner ?? '')?.[1] ?? 0);

export const powerSpecs: Spec[] = [
  {
    name: 'pause and resume show in the VM list and as VM_LIFECYCLE events in the timeline',
    async run({ ui, shot }) {
      await ui.power('Pause').click();
      await hasText(ui.lifecycleOf('demo'), 'PAUSED');
      await ui.filterTimeline({ kind: 'VM_LIFECYCLE' });
      await hasText(ui.timelineRows('VM_LIFECYCLE'), 'state=PAUSED');
      await shot('05-paused-timeline');
      await ui.power('Resume').click();
      await hasText(ui.lifecycleOf('demo'), 'RUNNING');
      await hasText(ui.timelineRows('VM_LIFECYCLE'), 'state=RUNNING');
    },
  },
  {
    name: 'reset asks for confirmation, takes the POWER lease and shows in the timeline',
    async run({ ui, shot }) {
      await ui.power('Reset').click();
      await ui.confirm();
      await hasText(ui.notices(), 'reset demo: ACT_ACK');
      await hasText(ui.timelineRows('VM_LIFECYCLE'), 'state=RESET');
      await ui.filterTimeline({ kind: 'any kind', text: 'POWER' });
      await hasText(ui.timelineRows('LEASE_GRANTED'), 'cls=POWER');
      await shot('06-reset-timeline');
      await ui.filterTimeline({ text: '' });
    },
  },
  {
    name: 'a console opened later shows journal history above the live tail and pages back into it on scroll-up',
    async run({ page, host }) {
      // A second tab with small pages: everything before it connected is journal history,
      // and reaching the journal's start (the host's first events) takes many pages.
      const late = new ConsolePage(await page.context().newPage());
      try {
        const url = new URL(host.url);
        url.searchParams.set('historyPage', String(PAGE));
        await late.open(url.href);
        // A background page gets no animation frames (nor scroll events): bring it forward.
        await late.page.bringToFront();
        await late.openTab('Timeline');
        await hasText(late.historyBanner(), `${PAGE} history events · scroll up for older`);
        let loaded = PAGE;
        const deadline = Date.now() + 90_000;
        while (!/Start of journal/.test((await late.historyBanner().textContent()) ?? '')) {
          if (Date.now() > deadline) throw new Error(`no start of journal after ${loaded} history events`);
          await late.scrollTimelineToTop();
          const view = await late
            .timelineGrid()
            .evaluate(
              (el) =>
                `scrollTop ${el.scrollTop}, scrollHeight ${el.scrollHeight}, clientHeight ${el.clientHeight}`,
            );
          await eventually(`an older page comes in (${loaded} loaded; ${view})`, async () => {
            const text = (await late.historyBanner().textContent()) ?? '';
            return historyCount(text) > loaded || text.includes('Start of journal');
          });
          const now = historyCount(await late.historyBanner().textContent());
          // Anchored: the rows that were at the top moved down by exactly the rows added above.
          const top = await late.timelineScrollTop();
          must(
            top === (now - loaded) * ROW_PX,
            `scroll anchored on the row in view: scrollTop ${top} after ${now - loaded} rows`,
          );
          loaded = now;
        }
        must(loaded > PAGE, `scrolled back past the first page (${loaded} history events)`);
        await late.scrollTimelineToTop();
        // The list redraws after the jump: wait until its first row is really drawn at the top.
        await eventually('the first timeline row is drawn at the top of the list', async () => {
          const grid = await late.timelineGrid().boundingBox();
          const row = await late.timelineRows().first().boundingBox();
          return grid !== null && row !== null && row.y >= grid.y && row.y < grid.y + 3 * row.height;
        });
        must(
          (await late.timelineRows().first().getAttribute('data-history')) === 'true',
          'the oldest row is marked as history',
        );
        await late.page.screenshot({ path: path.join(ARTIFACTS, '07-history-start.png') });
        // Filters apply to history too: the reset command from before this tab connected.
        await late.filterTimeline({ kind: 'CMD_VM' });
        await hasText(late.timelineRows('CMD_VM'), 'op=RESET');
        const reset = late.timelineRows('CMD_VM').filter({ hasText: 'op=RESET' }).first();
        must((await reset.getAttribute('data-history')) === 'true', 'the reset row is marked as history');
      } finally {
        await late.page.close();
        await page.bringToFront();
      }
    },
  },
  {
    name: 'starting the stopped managed VM shows progress, then the VM running with its seams up',
    async run({ ui, page, shot }) {
      await ui.vmRow('demo').getByRole('button', { name: 'Stop' }).click();
      await hasText(ui.vmRow('demo').getByLabel('Host state'), 'stopped', 20_000);
      await ui.vmRow('demo').getByRole('button', { name: 'Start' }).click();
      await page.getByRole('progressbar', { name: 'Starting demo' }).waitFor({ timeout: 5_000 });
      await shot('09-starting');
      await ui.seam('demo', 'VMHOST', true).waitFor({ timeout: 60_000 });
      await ui.seam('demo', 'INPUT', true).waitFor({ timeout: 10_000 });
      await page
        .getByRole('progressbar', { name: 'Starting demo' })
        .waitFor({ state: 'detached', timeout: 10_000 });
      await hasText(ui.vmRow('demo').getByLabel('Host state'), 'running');
      await ui.waitForLiveScreen('demo');
    },
  },
];
