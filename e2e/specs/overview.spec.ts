/* The console shows the running VM with its seams, the live screen, and the panels. */
import { hasText } from '../harness/assert';
import type { Spec } from '../harness/runner';

export const overviewSpecs: Spec[] = [
  {
    name: 'the VM list shows the managed VM running with every seam up, and its screen is live',
    async run({ ui, shot }) {
      await hasText(ui.lifecycleOf('demo'), 'RUNNING', 20_000);
      for (const seam of ['INPUT', 'VMHOST']) await ui.seam('demo', seam, true).waitFor();
      await ui.waitForLiveScreen('demo');
      await shot('01-main-view');
    },
  },
  {
    name: 'the theme follows the system colour scheme (dark)',
    async run({ page, shot }) {
      await page.emulateMedia({ colorScheme: 'dark' });
      const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      await shot('01b-main-view-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      if (bg !== 'rgb(18, 21, 27)') throw new Error(`dark background expected, got ${String(bg)}`);
    },
  },
  {
    name: 'the controls panel lists the console itself with its principal and caps',
    async run({ ui, shot }) {
      await ui.openTab('Controls');
      await hasText(ui.table('Controls'), 'operator (this console)');
      await hasText(ui.table('Controls'), 'OBSERVE INPUT LIFECYCLE POWER VM');
      await shot('02-controls-panel');
      await ui.openTab('Timeline');
    },
  },
];
