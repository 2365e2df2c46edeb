/* Pause/resume and reset: the VM list and the timeline reflect each. */
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
];
