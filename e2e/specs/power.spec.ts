/* Pause/resume, reset, stop/start: the VM list and the timeline reflect each. */
import { hasText } from '../harness/assert';
import type { Spec } from '../harness/runner';

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
    name: 'the timeline loads the journal history from before the page connected',
    async run({ ui, page }) {
      await page.getByRole('button', { name: 'Load history' }).click();
      await hasText(ui.notices(), /Loaded \d+ journaled events/);
      await ui.filterTimeline({ kind: 'CMD_VM' });
      await hasText(ui.timelineRows('CMD_VM'), 'op=RESET');
      await ui.filterTimeline({ kind: 'any kind' });
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
