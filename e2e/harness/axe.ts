/*
 * The one axe-core check the specs share: the critical and serious violations on the page,
 * one line per element, so a spec asserts an empty list and a failure names what to fix.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** The critical and serious violations axe finds on `page` (legacy mode for the Electron window). */
export async function seriousViolations(page: Page, legacy = false): Promise<string[]> {
  // Legacy mode runs axe in the page itself: the Electron window cannot open the helper
  // page axe otherwise uses to merge frame results (the console has no frames).
  // label-content-name-mismatch is experimental in axe, so off by default: the issue named it.
  const { violations } = await new AxeBuilder({ page })
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .setLegacyMode(legacy)
    .analyze();
  return violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(' ')} — ${v.help}`));
}
