/*
 * The timeline specs' shared moves: read the rows back the way a user gets them (the
 * "Export JSONL" download), and cut a window's API WebSocket and keep it down (routed
 * through Playwright) so events are routed while that window is disconnected.
 */
import fs from 'node:fs';
import type { BrowserContext, Page, WebSocketRoute } from '@playwright/test';

/** One exported timeline row. */
export interface TimelineRow {
  row: 'event' | 'state' | 'gap';
  seq: number | null;
  kind: string;
  fields: unknown;
}

/** Exports the timeline as JSONL through its button and reads the downloaded file back. */
export async function exportedRows(page: Page): Promise<TimelineRow[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSONL' }).click(),
  ]);
  return fs
    .readFileSync(await download.path(), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TimelineRow);
}

/** The API sockets of pages opened in a context after `cutSockets`, and the cut itself. */
export interface SocketCut {
  /** Every routed API socket, oldest first. */
  readonly sockets: readonly WebSocketRoute[];
  /** Closes `which` (all routed sockets unless given) and refuses reconnects until `restore`. */
  cut(which?: readonly WebSocketRoute[]): Promise<void>;
  /** Lets reconnects through again. */
  restore(): void;
}

/** Routes the context's `/api` WebSockets through the test so it can cut them. */
export async function cutSockets(context: BrowserContext): Promise<SocketCut> {
  const sockets: WebSocketRoute[] = [];
  let blocked = false;
  await context.routeWebSocket(/\/api$/, async (ws) => {
    if (blocked) return ws.close();
    ws.connectToServer();
    sockets.push(ws);
  });
  return {
    sockets,
    async cut(which = sockets) {
      blocked = true;
      for (const ws of which) await ws.close();
    },
    restore() {
      blocked = false;
    },
  };
}
