/*
 * The timeline shows each routed event once: after load, reload, in a second window and
 * after the API socket was cut while the VM was paused and resumed from another window. Each check exports the rows
 * (the file a user downloads) and counts every event in it by its seq (one host run).
 */
import fs from 'node:fs';
import type { Page, WebSocketRoute } from '@playwright/test';
import { expect, test } from '../harness/fixtures';
import type { ConsolePage } from '../pages/console-page';

interface Row {
  row: 'event' | 'state' | 'gap';
  seq: number | null;
  kind: string;
  fields: unknown;
}

/** Exports the timeline as JSONL through its button and reads the downloaded file back. */
async function exported(page: Page): Promise<Row[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSONL' }).click(),
  ]);
  const file = await download.path();
  const text = fs.readFileSync(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
}

/** Seqs of routed events (not state or gap rows) that appear more than once. */
function duplicates(rows: Row[]): number[] {
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
const lifecycle = (rows: Row[]): number[] =>
  rows.filter((r) => r.row === 'event' && r.kind === 'VM_LIFECYCLE').map((r) => r.seq!);

async function settled(ui: ConsolePage): Promise<Row[]> {
  await expect(ui.page.getByRole('status', { name: 'Journal history' })).not.toContainText('Loading');
  return exported(ui.page);
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
  const sockets: WebSocketRoute[] = [];
  let blocked = false;
  await context.routeWebSocket(/\/api$/, async (ws) => {
    if (blocked) return ws.close();
    ws.connectToServer();
    sockets.push(ws);
  });
  const second = await openConsole();
  const before = await settled(second);
  expect(duplicates(before), 'seqs shown twice in a second window').toEqual([]);
  expect(lifecycle(before)).toEqual(lifecycle(first));
  expect(sockets.length, 'the second window went through the route').toBeGreaterThan(0);

  // Cut the socket and keep it down while the VM is paused and resumed by another control.
  blocked = true;
  for (const ws of sockets) await ws.close();
  await expect(second.page.getByRole('status', { name: 'Host connection' })).toHaveText('disconnected');
  await ui.power('Pause').click();
  await expect(ui.lifecycleOf('demo')).toContainText('PAUSED');
  await ui.power('Resume').click();
  await expect(ui.lifecycleOf('demo')).toContainText('RUNNING');
  const routedWhileDown = lifecycle(await exported(ui.page)).filter((s) => !lifecycle(before).includes(s));
  expect(routedWhileDown.length, 'pause and resume were routed while the window was down').toBe(2);
  blocked = false;
  await second.waitConnected();
  await expect
    .poll(async () => lifecycle(await exported(second.page)), {
      message: 'the missed range is loaded in order',
    })
    .toEqual([...lifecycle(before), ...routedWhileDown]);
  const after = await exported(second.page);
  expect(duplicates(after), 'seqs shown twice after the reconnect').toEqual([]);
  expect(
    after.filter((r) => r.row === 'gap'),
    'no gap row when the journal supplied the range',
  ).toEqual([]);
});
