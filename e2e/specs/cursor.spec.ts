/* A sensor's CURSOR_STATE (`vmsig cursor`) moves the overlay on the screen. */
import { eventually } from '../harness/assert';
import { vmsig } from '../harness/host';
import type { Spec } from '../harness/runner';

export const cursorSpecs: Spec[] = [
  {
    name: 'vmsig cursor moves the cursor overlay',
    async run({ ui, host, shot }) {
      vmsig(host, ['cursor', '200', '150', '--vm', '1']);
      await eventually(
        'overlay at 200,150',
        async () => (await ui.cursorOverlay().getAttribute('data-x')) === '200',
      );
      const first = await ui.cursorOverlay().boundingBox();
      vmsig(host, ['cursor', '500', '300', '--vm', '1']);
      await eventually(
        'overlay at 500,300',
        async () => (await ui.cursorOverlay().getAttribute('data-x')) === '500',
      );
      const second = await ui.cursorOverlay().boundingBox();
      if (!first || !second || !(second.x > first.x && second.y > first.y))
        throw new Error(`overlay did not move right and down: ${JSON.stringify({ first, second })}`);
      await shot('07-cursor-overlay');
    },
  },
];
