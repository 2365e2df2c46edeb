/*
 * The timeline shows each routed event once: after load, reload, in a second window and
 * after the API socket was cut while the VM was paused and resumed from another window. Each check exports the rows
 * (the file a user downloads) and counts every event in it by its seq (one host run).
 */
import { expect, test } from '../harness/fixtures';
import { type TimelineRow, cutSockets, exportedRows } from '../harness/timeline-rows';
import type { ConsolePage } from '../pages/console-page';

/** Seqs of routed events (not state or gap rows) that appear more than once. */
function duplicates(rows: TimelineRow[]): number[] {
  const seen = new Set<number>();
  const dup: number[] = [];
  for (const r of rows) {
    if (r.row !== 'event' || r.seq === null) continue;
    if (seen.has(r.seq)) dup.push(r.seq);
    seen.add(r.seq);
  }
  return dup;
}

/** Seqs of VM_LIFECYCLE events, in order: state changes the journal keeps in full. */
const lifecycle = (rows: TimelineRow[]): number[] =>
  rows.filter((r) => r.row === 'event' && r.kind === 'VM_LIFECYCLE').map((r) => r.seq!);

async function settled(ui: ConsolePage): Promise<TimelineRow[]> {
  await expect(ui.page.getByRole('status', { name: 'Journal history' })).not.toContainText('Loading');
  return exportedRows(ui.page);
}

test('each event shows once after load, reload, in a second window and after a reconnect', async ({
  ui,
  shell,
  context,
  openConsole,
}) => {
  test.skip(shell === 'electron', 'cuts the page WebSocket; the Electron shell has none');
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 20_000 });
  const first = await settled(ui);
  expect(duplicates(first), 'seqs shown twice on first load').toEqual([]);
  expect(lifecycle(first).length, 'the VM lifecycle is in the rows').toBeGreaterThan(0);

  await ui.page.reload();
  await ui.waitConnected();
  const reloaded = await settled(ui);
  expect(duplicates(reloaded), 'seqs shown twice after reload').toEqual([]);
  expect(lifecycle(reloaded)).toEqual(lifecycle(first));

  // A second window whose API socket the test can cut.
  const api = await cutSockets(context);
  const second = await openConsole();
  const before = await settled(second);
  expect(duplicates(before), 'seqs shown twice in a second window').toEqual([]);
  expect(lifecycle(before)).toEqual(lifecycle(first));
  expect(api.sockets.length, 'the second window went through the route').toBeGreaterThan(0);

  // Cut the socket and keep it down while the VM is paused and resumed by another control.
  await api.cut();
  await expect(second.page.getByRole('status', { name: 'Host connection' })).toHaveText('disconnected');
  await ui.power('Pause').click();
  await expect(ui.lifecycleOf('demo')).toContainText('PAUSED');
  await ui.power('Resume').click();
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING');
  const routedWhileDown = lifecycle(await exportedRows(ui.page)).filter(
    (s) => !lifecycle(before).includes(s),
  );
  expect(routedWhileDown.length, 'pause and resume were routed while the window was down').toBe(2);
  api.restore();
  await second.waitConnected();
  await expect
    .poll(async () => lifecycle(await exportedRows(second.page)), {
      message: 'the missed range is loaded in order',
    })
    .toEqual([...lifecycle(before), ...routedWhileDown]);
  const after = await exportedRows(second.page);
  expect(duplicates(after), 'seqs shown twice after the reconnect').toEqual([]);
  expect(
    after.filter((r) => r.row === 'gap'),
    'no gap row when the journal supplied the range',
  ).toEqual([]);
});
