/*
 * Accessibility checked by axe-core, not by taste: every view of the console (VM list and
 * screen, timeline and a row's detail, leases, controls, the add-VM form, a managed VM's Edit
 * form (the attached one is checked in attached-form.spec), the grabbed input
 * bar with its send-key menu, the confirmation dialog) in the light and the dark theme has
 * no critical or serious violation.
 */
import { seriousViolations } from '../harness/axe';
import { expect, test } from '../harness/fixtures';
import type { ConsolePage } from '../pages/console-page';

/** A view: how to reach it from the previous one (they run in this order on one console). */
const VIEWS: { name: string; open(ui: ConsolePage): Promise<void> }[] = [
  { name: 'VM list, screen and timeline', open: async () => {} },
  {
    name: 'timeline row detail',
    open: async (ui) => {
      await ui.timelineRows().last().click();
    },
  },
  { name: 'leases panel', open: (ui) => ui.openTab('Leases') },
  { name: 'controls panel', open: (ui) => ui.openTab('Controls') },
  {
    name: 'add attached VM form',
    open: async (ui) => {
      await ui.page
        .getByRole('navigation', { name: 'VMs' })
        .getByRole('button', { name: 'Add attached VM' })
        .click();
      await ui.page.getByRole('form', { name: 'Add attached VM' }).waitFor();
    },
  },
  {
    name: 'Edit VM form of a managed VM',
    open: async (ui) => {
      await ui.page.getByRole('button', { name: 'Edit', exact: true }).click();
      // Filled in from the host's settings: the form is checked as the operator sees it.
      const form = ui.page.getByRole('form', { name: /^Edit VM \d+$/ });
      await expect(form.getByLabel('Memory (MiB)')).not.toHaveValue('');
      await expect(form.getByLabel('Name', { exact: true })).toHaveValue('demo');
    },
  },
  {
    name: 'grabbed input with the send-key menu open',
    open: async (ui) => {
      await ui.grabButton().click();
      await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
      await ui.page.getByRole('toolbar', { name: 'Input' }).getByRole('button', { name: 'Send key' }).click();
      await ui.page.getByRole('menu', { name: 'Send key' }).waitFor();
    },
  },
  {
    name: 'reset confirmation dialog',
    open: async (ui) => {
      await ui.power('Reset').click();
      await ui.page.getByRole('dialog', { name: 'Confirm' }).waitFor();
    },
  },
];

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds no critical or serious violation on any view (${scheme} theme)`, async ({
    ui,
    page,
    shell,
    shot,
  }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await expect(ui.lifecycleOf('demo')).toContainText('RUNNING', { timeout: 20_000 });
    await ui.waitForLiveScreen('demo');
    await expect(ui.timelineRows().first()).toBeAttached();
    const found: Record<string, string[]> = {};
    try {
      for (const view of VIEWS) {
        await view.open(ui);
        found[view.name] = await seriousViolations(page, shell === 'electron');
        if (found[view.name]!.length) await shot(page, `a11y-${scheme}-${view.name.replace(/\W+/g, '-')}`);
      }
    } finally {
      // Leave nothing behind on the shared host: cancel the dialog, give the lease back.
      const edit = page.getByRole('form', { name: /^Edit VM \d+$/ });
      if (await edit.isVisible()) await edit.getByRole('button', { name: 'Cancel' }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirm' });
      if (await dialog.isVisible()) await dialog.getByRole('button', { name: 'Cancel' }).click();
      if (await ui.releaseButton().isVisible()) await ui.releaseButton().click();
    }
    await expect(ui.leaseOwner()).toContainText('INPUT lease free');
    expect(found).toEqual(Object.fromEntries(VIEWS.map((v) => [v.name, []])));
  });
}
