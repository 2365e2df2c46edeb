/* A sensor's CURSOR_STATE (`vmsig cursor`) moves the overlay on the screen. */
import { expect, test } from '../harness/fixtures';
import { vmsig } from '../harness/host';

test('vmsig cursor moves the cursor overlay', async ({ ui, page, host, shot }) => {
  // The journal keeps 1 cursor report in 10: a console opened on this host later would load a
  // "sampled away" gap row into its history (timeline-detail's export counts every row shown).
  // Which spec follows on a worker's host depends on the worker count, so none reuses this one.
  host.spoil();
  // The overlay is drawn over the live screen's canvas.
  await ui.waitForLiveScreen('demo');
  vmsig(host, ['cursor', '200', '150', '--vm', '1']);
  await expect(ui.cursorOverlay()).toHaveAttribute('data-x', '200');
  const first = await ui.cursorOverlay().boundingBox();
  vmsig(host, ['cursor', '500', '300', '--vm', '1']);
  await expect(ui.cursorOverlay()).toHaveAttribute('data-x', '500');
  const second = await ui.cursorOverlay().boundingBox();
  expect(first, 'overlay drawn at 200,150').not.toBeNull();
  expect(second, 'overlay drawn at 500,300').not.toBeNull();
  // The overlay moved right and down.
  expect(second!.x).toBeGreaterThan(first!.x);
  expect(second!.y).toBeGreaterThan(first!.y);
  await shot(page, '07-cursor-overlay');
});
