/*
 * No key stays held in the guest when the keyboard leaves the grabbed screen: a Shift held
 * on the screen is released on window blur, on focus moving off the screen (the Release
 * button: ungrab), and after a preemption by a higher-priority control (whose `lease
 * acquire` releases it). Each time `vmsig held` is empty and the next typed text reaches
 * the guest's shell unmodified (a held Shift would make "echo" "ECHO").
 */
import { expect, test } from '../harness/fixtures';
import { type RunningHost, vmsig, vmsigBackground, waitForSerial } from '../harness/host';
import { typeLikeAPerson } from '../harness/keyboard';
import type { ConsolePage } from '../pages/console-page';
import type { Page } from '@playwright/test';

const held = (host: RunningHost) => (): string => vmsig(host, ['held', '--vm', '1']).trim();

/** Grabs, focuses the screen and holds Shift there until the guest's record shows it. */
async function grabAndHoldShift(ui: ConsolePage, page: Page, host: RunningHost): Promise<void> {
  await ui.waitForLiveScreen('demo');
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  await ui.screen('demo').click();
  await page.keyboard.down('Shift');
  await expect.poll(held(host)).toBe('VM 1: KEY:42');
}

/** Types an echo of a fresh lower-case marker on the grabbed screen; waits for it on serial. */
async function typeUnmodified(ui: ConsolePage, page: Page, host: RunningHost, tag: string): Promise<void> {
  await ui.screen('demo').click();
  const marker = `held-${tag}-${Date.now().toString(36)}`;
  await typeLikeAPerson(page, `echo ${marker} > /dev/ttyS0`);
  await page.keyboard.press('Enter');
  await waitForSerial(host.serialPath, marker);
}

test('window blur releases the Shift the page holds', async ({ ui, page, host }) => {
  await grabAndHoldShift(ui, page, host);
  // What the browser dispatches when the operator switches to another window.
  await page.evaluate("window.dispatchEvent(new Event('blur'))");
  await expect.poll(held(host)).toBe('VM 1: nothing held');
  await page.keyboard.up('Shift');
  await typeUnmodified(ui, page, host, 'blur');
  await ui.releaseButton().click();
});

test('ungrab with a key down releases it before the lease goes', async ({ ui, page, host }) => {
  await grabAndHoldShift(ui, page, host);
  await ui.releaseButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease free');
  await page.keyboard.up('Shift');
  await expect.poll(held(host)).toBe('VM 1: nothing held');
  await ui.grabButton().click();
  await typeUnmodified(ui, page, host, 'ungrab');
  await ui.releaseButton().click();
});

test('a preempting control releases the Shift the console held', async ({ ui, page, host }) => {
  await grabAndHoldShift(ui, page, host);
  const robot = vmsigBackground(host, ['lease', 'acquire', 'INPUT', '--vm', '1', '--hold']);
  let out = '';
  robot.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  try {
    await expect(ui.preemptedNotice()).toContainText(/preempted by robot/);
    await expect.poll(() => out).toContain('released what was held: KEY:42');
    await expect.poll(held(host)).toBe('VM 1: nothing held');
  } finally {
    robot.kill('SIGTERM');
  }
  await page.keyboard.up('Shift');
  await expect(ui.leaseOwner()).toContainText('INPUT lease free');
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  await typeUnmodified(ui, page, host, 'preempt');
  await ui.releaseButton().click();
});
