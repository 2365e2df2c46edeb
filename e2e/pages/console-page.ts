/*
 * Page object for the console: every locator a spec needs, by role and accessible name,
 * so specs read as what the operator does. It never reaches into component internals.
 */
import { type Locator, type Page, expect } from '@playwright/test';

/** The console UI in one tab. */
export class ConsolePage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.waitConnected();
  }

  /** Waits until the console says it is connected to its host. */
  async waitConnected(): Promise<void> {
    await this.page
      .getByRole('status', { name: 'Host connection' })
      // Exactly "connected": a substring match would take "disconnected" for it.
      .filter({ hasText: /^connected$/ })
      .waitFor();
  }

  vmRow(name: string): Locator {
    return this.page.getByRole('list', { name: 'VM list' }).getByRole('listitem', { name });
  }

  lifecycleOf(name: string): Locator {
    return this.vmRow(name).getByLabel('Lifecycle state');
  }

  seam(name: string, seam: string, up: boolean): Locator {
    return this.vmRow(name).getByLabel(`seam ${seam} ${up ? 'up' : 'down'}`);
  }

  screen(name: string): Locator {
    return this.page.getByRole('application', { name: `Screen of ${name}` });
  }

  async waitForLiveScreen(name: string): Promise<void> {
    await this.page
      .locator(`[aria-label="Screen of ${name}"][data-status="live"]`)
      .waitFor({ timeout: 20_000 });
  }

  /** Grabs the input of `name` once its screen is live; resolves when the console holds the INPUT lease. */
  async grabInput(name: string): Promise<void> {
    await this.waitForLiveScreen(name);
    await this.grabButton().click();
    await expect(this.leaseOwner()).toContainText('INPUT lease: you');
  }

  /** Presses Ctrl+Alt (the default release combo) on `name`'s grabbed screen; resolves with the lease free and the keys up. */
  async releaseWithCtrlAlt(name: string): Promise<void> {
    await this.screen(name).click();
    await this.page.keyboard.down('Control');
    await this.page.keyboard.down('Alt');
    await expect(this.leaseOwner()).toContainText('INPUT lease free');
    await this.page.keyboard.up('Alt');
    await this.page.keyboard.up('Control');
  }

  /** The Input toolbar: grab, release, send key, paste, sticky modifiers, fullscreen. */
  inputBar(): Locator {
    return this.page.getByRole('toolbar', { name: 'Input' });
  }

  grabButton(): Locator {
    return this.inputBar().getByRole('button', { name: 'Grab input' });
  }

  releaseButton(): Locator {
    return this.inputBar().getByRole('button', { name: 'Release', exact: true });
  }

  leaseOwner(): Locator {
    return this.page.getByLabel('Input lease owner');
  }

  preemptedNotice(): Locator {
    return this.inputBar().getByRole('alert');
  }

  power(label: string): Locator {
    return this.page
      .getByRole('toolbar', { name: 'Power' })
      .getByRole('button', { name: label, exact: true });
  }

  async confirm(): Promise<void> {
    await this.page.getByRole('dialog', { name: 'Confirm' }).getByRole('button', { name: 'Confirm' }).click();
  }

  cursorOverlay(): Locator {
    return this.page.getByRole('img', { name: /Guest cursor at/ });
  }

  async openTab(name: 'Timeline' | 'Leases' | 'Controls'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
  }

  /** The timeline's event rows (not its header row or history banner), of `kind` if given. */
  timelineRows(kind?: string): Locator {
    const grid = this.page.getByRole('grid', { name: 'Event timeline' });
    return grid.locator(kind ? `[role=row][data-kind="${kind}"]` : '[role=row][data-kind]');
  }

  /** The scrolling part of the timeline: the grid's row group below its header row. */
  timelineGrid(): Locator {
    return this.page.getByRole('grid', { name: 'Event timeline' }).getByRole('rowgroup');
  }

  /** The line above the first timeline row saying where journal history paging stands. */
  historyBanner(): Locator {
    return this.page.getByRole('status', { name: 'Journal history' });
  }

  /** Scrolls the timeline to its very top (which fetches the next older history page). */
  async scrollTimelineToTop(): Promise<void> {
    await this.timelineGrid().evaluate((el) => {
      el.scrollTop = 0;
    });
  }

  /** The timeline list's scrollTop in px. */
  async timelineScrollTop(): Promise<number> {
    return this.timelineGrid().evaluate((el) => el.scrollTop);
  }

  async filterTimeline(opts: { kind?: string; text?: string }): Promise<void> {
    const bar = this.page.getByRole('search', { name: 'Timeline filters' });
    if (opts.kind !== undefined) await bar.getByLabel('Kind').selectOption({ label: opts.kind });
    if (opts.text !== undefined) await bar.getByLabel('Filter text').fill(opts.text);
  }

  notices(): Locator {
    return this.page.getByRole('log', { name: 'Notices' });
  }

  table(name: 'Leases' | 'Controls'): Locator {
    return this.page.getByRole('table', { name });
  }
  /** Opens the send-key menu of the Input toolbar and chooses `label` (e.g. "Ctrl+Alt+F2"). */
  async sendKey(label: string): Promise<void> {
    const bar = this.inputBar();
    await bar.getByRole('button', { name: 'Send key' }).click();
    await bar
      .getByRole('menu', { name: 'Send key' })
      .getByRole('menuitem', { name: label, exact: true })
      .click();
  }

  /** Asks the host for the keys it holds down for the guest (CMD_QUERY_INPUT); the list shows the answer. */
  async queryHeldKeys(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Held keys' }).click();
    return this.page.getByLabel('Held keys');
  }

  /** The "Add attached VM" form (open it with fillAttachedVm or the sidebar's button). */
  attachedForm(): Locator {
    return this.page.getByRole('form', { name: 'Add attached VM' });
  }

  /** Opens the "Add attached VM" form when it is closed and fills it (display and serial port when given). */
  async fillAttachedVm(vm: {
    id: number;
    name: string;
    qmp: string;
    vnc?: string;
    serial?: string;
  }): Promise<Locator> {
    const form = this.attachedForm();
    if (!(await form.isVisible()))
      await this.page
        .getByRole('navigation', { name: 'VMs' })
        .getByRole('button', { name: 'Add attached VM' })
        .click();
    await form.getByLabel('Id').fill(String(vm.id));
    await form.getByLabel('Name').fill(vm.name);
    await form.getByLabel('QMP socket').fill(vm.qmp);
    await form.getByLabel('Display (VNC)').fill(vm.vnc ?? '');
    await form.getByLabel('Serial port').fill(vm.serial ?? '');
    return form;
  }

  /** Fills and submits the "Add attached VM" form; resolves once the host accepted it (the form closed). */
  async addAttachedVm(vm: {
    id: number;
    name: string;
    qmp: string;
    vnc?: string;
    serial?: string;
  }): Promise<void> {
    const form = await this.fillAttachedVm(vm);
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.waitFor({ state: 'detached' });
  }

  /** Clicks Remove on a VM's row and accepts the browser's confirmation. */
  async removeVm(name: string): Promise<void> {
    this.page.once('dialog', (d) => void d.accept());
    await this.vmRow(name).getByRole('button', { name: 'Remove' }).click();
  }

  /** Every alert on the page (the readiness banner saying what is missing is one). */
  alerts(): Locator {
    return this.page.getByRole('alert');
  }
}
