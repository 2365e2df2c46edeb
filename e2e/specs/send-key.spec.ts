/*
 * The send-key menu: with the INPUT lease held, a chord from the menu reaches QEMU as
 * CMD_INPUT key events (presses in order, releases in reverse), each acknowledged, the
 * guest kernel switches virtual terminals, and no key stays held afterwards.
 */
import fs from 'node:fs';
import { expect, joinedText, test } from '../harness/fixtures';
import { vmsig, waitForSerial } from '../harness/host';
import { typeLikeAPerson } from '../harness/keyboard';
import type { ConsolePage } from '../pages/console-page';

/** evdev codes: KEY_LEFTCTRL, KEY_LEFTALT, KEY_F1, KEY_F2. */
const CTRL = 29;
const ALT = 56;
const F1 = 59;
const F2 = 60;

/** The kernel's name of the foreground virtual terminal. */
const ACTIVE_VT = '/sys/class/tty/tty0/active';

interface Row {
  seq: number;
  text: string;
}

/** The drawn timeline rows of `kind`, oldest first, with their seq. */
async function rows(ui: ConsolePage, kind: string): Promise<Row[]> {
  const all = await ui.timelineRows(kind).evaluateAll((els) =>
    els.map((el) => ({
      seq: Number(el.firstElementChild?.textContent ?? NaN),
      text: el.textContent ?? '',
    })),
  );
  return all.sort((a, b) => a.seq - b.seq);
}

/** `code:value` of each CMD_INPUT key row, e.g. "29:1" for Ctrl pressed. */
const keyOf = (r: Row): string => {
  const m = /input=KEY code=(\d+) value=(-?\d+)/.exec(r.text);
  return m ? `${m[1]}:${m[2]}` : `? ${r.text}`;
};

/** Sends `label` from the menu and waits for its six key events and their six acks. */
async function sendChordAndCheck(ui: ConsolePage, label: string, key: number): Promise<void> {
  await ui.filterTimeline({ kind: 'CMD_INPUT', text: '' });
  const before = (await rows(ui, 'CMD_INPUT')).at(-1)?.seq ?? 0;
  await ui.sendKey(label);
  const expected = [`${CTRL}:1`, `${ALT}:1`, `${key}:1`, `${key}:0`, `${ALT}:0`, `${CTRL}:0`];
  await expect
    .poll(async () => (await rows(ui, 'CMD_INPUT')).filter((r) => r.seq > before).map(keyOf), {
      message: `${label} as CMD_INPUT ${expected.join(' ')}`,
    })
    .toEqual(expected);
  const firstSeq = (await rows(ui, 'CMD_INPUT')).filter((r) => r.seq > before)[0]!.seq;
  await ui.filterTimeline({ kind: 'ACT_ACK', text: 'CMD_INPUT' });
  let acks: Row[] = [];
  await expect
    .poll(
      async () => {
        acks = (await rows(ui, 'ACT_ACK')).filter((r) => r.seq > firstSeq);
        return acks.length;
      },
      { message: `six ACT_ACKs for the ${label} key events` },
    )
    .toBeGreaterThanOrEqual(6);
  expect(
    acks.filter((r) => !r.text.includes('ok=true')).map((r) => r.text),
    `${label}: failed acks`,
  ).toEqual([]);
}

test('Ctrl+Alt+F2 from the send-key menu reaches QEMU as acknowledged key events, switches the guest to tty2, and leaves no key held', async ({
  ui,
  page,
  host,
  shot,
}) => {
  await ui.waitForLiveScreen('demo');
  await ui.openTab('Timeline');
  await ui.grabButton().click();
  await expect(ui.leaseOwner()).toContainText('INPUT lease: you');
  const tag = `VT-${Date.now().toString(36)}`;
  try {
    // The guest's shell (on tty1) opens tty2 (the kernel switches only to an allocated
    // terminal), waits until tty2 is in the foreground, then reports it: no timing race.
    await ui.screen('demo').click();
    await typeLikeAPerson(
      page,
      `A=${ACTIVE_VT}; : </dev/tty2; until grep -q tty2 $A; do sleep 1; done; echo ${tag}-$(cat $A) >/dev/ttyS0`,
    );
    await page.keyboard.press('Enter');
    await sendChordAndCheck(ui, 'Ctrl+Alt+F2', F2);
    await waitForSerial(host.serialPath, `${tag}-tty2`).catch((e: Error) => {
      throw new Error(`${e.message}; serial tail: ${fs.readFileSync(host.serialPath, 'utf8').slice(-300)}`);
    });
    await shot(page, '10-send-key-timeline');
    // Back to tty1: typed keys reach its shell again, which reports tty1 at once.
    await sendChordAndCheck(ui, 'Ctrl+Alt+F1', F1);
    // Focus, not click: a click on the already-grabbed screen does not take the focus
    // back from the menu and filters (its pointerdown handler cancels the default).
    await ui.screen('demo').focus();
    await typeLikeAPerson(page, `echo ${tag}-back-$(cat $A) >/dev/ttyS0`);
    await page.keyboard.press('Enter');
    await waitForSerial(host.serialPath, `${tag}-back-tty1`);
    await expect.poll(joinedText(await ui.queryHeldKeys())).toMatch(/Held keys\s*none/);
    const held = vmsig(host, ['held', '--vm', '1']);
    expect(held, 'QEMU holds no key').toContain('VM 1: nothing held');
  } finally {
    await ui.filterTimeline({ kind: 'any kind', text: '' });
    await ui.releaseButton().click();
  }
  await expect(ui.leaseOwner()).toContainText('INPUT lease free');
});
