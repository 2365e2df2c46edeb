/*
 * No silent gaps: on a host that keeps no journal, events routed while a window's API socket
 * was down cannot be loaded, so the timeline shows a gap row saying how many and when.
 */
import { startHost } from '../harness/host';
import { expect, test } from '../harness/fixtures';
import { cutSockets, exportedRows } from '../harness/timeline-rows';

test('a reconnect on a host without a journal shows a gap row with the missing count and span', async ({
  shell,
  context,
}) => {
  test.skip(shell === 'electron', 'cuts the page WebSocket; the Electron shell has none');
  test.setTimeout(150_000);
  const host = await startHost(['--no-journal']);
  try {
    const api = await cutSockets(context);
    const a = await host.openConsole(() => context.newPage());
    const b = await host.openConsole(() => context.newPage());
    try {
      await expect(a.ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 30_000 });
      await expect(b.ui.page.getByRole('status', { name: 'Journal history' })).toContainText('no journal');
      await expect(b.ui.page.locator('[data-gap]')).toHaveCount(0);
      // Cut only b's socket (the newest), keep it down while a pauses and resumes the VM.
      await api.cut([api.sockets.at(-1)!]);
      await expect(b.ui.page.getByRole('status', { name: 'Host connection' })).toHaveText('disconnected');
      await a.ui.power('Pause').click();
      await expect(a.ui.lifecycleOf('demo')).toContainText('PAUSED');
      await a.ui.power('Resume').click();
      await expect(a.ui.lifecycleOf('demo')).toContainText('RUNNING');
      api.restore();
      await b.ui.waitConnected();
      const gap = b.ui.page.locator('[data-gap]');
      await expect(gap).toHaveCount(1);
      await expect(gap).toContainText(
        /Gap: up to \d+ events \(seq \d+–\d+\) routed \d\d:\d\d:\d\d–\d\d:\d\d:\d\d are missing: this host keeps no journal/,
      );
      const count = Number(/up to (\d+) events/.exec((await gap.textContent()) ?? '')![1]);
      expect(count, 'at least the pause and the resume are counted').toBeGreaterThanOrEqual(2);
      // The exported rows carry the gap too.
      const rows = await exportedRows(b.ui.page);
      expect(rows.filter((r) => r.row === 'gap')).toHaveLength(1);
    } finally {
      await b.close(test.info());
      await a.close(test.info());
    }
  } finally {
    await host.stop();
  }
});
