/*
 * A small spec runner over playwright-core (the project ships no @playwright/test): builds
 * the renderer when it is missing or stale, starts one headless host, runs the specs in
 * order in one browser context, saves a screenshot on failure and stops everything by PID.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ConsolePage } from '../pages/console-page';
import { launchBrowser } from './browser';
import { type RunningHost, startHost } from './host';

/** What a spec gets. */
export interface SpecContext {
  page: Page;
  ui: ConsolePage;
  host: RunningHost;
  /** Saves a screenshot as e2e/artifacts/<name>.png. */
  shot(name: string): Promise<string>;
}

/** One spec: a name stating the behaviour, and its body. */
export interface Spec {
  name: string;
  run(ctx: SpecContext): Promise<void>;
}

const repo = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(repo, 'e2e/artifacts');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds with electron-vite unless out/renderer is newer than the renderer and shared sources. */
export function buildIfNeeded(): void {
  const built = path.join(repo, 'out/renderer/index.html');
  const stale =
    !fs.existsSync(built) ||
    Math.max(newestMtime(path.join(repo, 'src/renderer')), newestMtime(path.join(repo, 'src/shared'))) >
      fs.statSync(built).mtimeMs;
  if (!stale) return;
  console.log('[e2e] building the renderer (npm run build)');
  execFileSync('npx', ['electron-vite', 'build'], { cwd: repo, stdio: 'inherit' });
}

/** Runs the specs (all, or those whose name contains one of `filters`); resolves to the exit status. */
export async function main(filters: string[]): Promise<number> {
  const { specs } = (await import('../specs/index')) as { specs: Spec[] };
  const chosen = filters.length ? specs.filter((s) => filters.some((f) => s.name.includes(f))) : specs;
  buildIfNeeded();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (f.startsWith('FAILED-')) fs.rmSync(path.join(ARTIFACTS, f));
  console.log('[e2e] starting vmsig serve with a managed VM');
  const host = await startHost();
  const browser = await launchBrowser();
  let failed = 0;
  try {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    const ui = new ConsolePage(page);
    await ui.open(host.url);
    const shot = async (name: string): Promise<string> => {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    };
    for (const spec of chosen) {
      const started = Date.now();
      try {
        await spec.run({ page, ui, host, shot });
        console.log(`  ✓ ${spec.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        console.log(`  ✗ ${spec.name}\n    ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        await shot(`FAILED-${spec.name.replace(/\W+/g, '-')}`).catch(() => undefined);
      }
    }
  } finally {
    await browser.close();
    await host.stop();
  }
  console.log(`[e2e] ${chosen.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}
