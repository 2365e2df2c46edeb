/*
 * Types text the way a person does on a US keyboard: Shift held down around shifted
 * characters, so the page sees ShiftLeft keydown/keyup like real hardware (Playwright's
 * keyboard.type sends the character without a Shift key event).
 */
import type { Page } from '@playwright/test';

const SHIFTED: Record<string, string> = {
  '>': 'Period',
  '<': 'Comma',
  '?': 'Slash',
  _: 'Minus',
  '+': 'Equal',
  ':': 'Semicolon',
  '"': 'Quote',
  '|': 'Backslash',
  '!': 'Digit1',
  '@': 'Digit2',
  '#': 'Digit3',
  $: 'Digit4',
  '%': 'Digit5',
  '^': 'Digit6',
  '&': 'Digit7',
  '*': 'Digit8',
  '(': 'Digit9',
  ')': 'Digit0',
};

/** Types `text` character by character, pressing Shift for capitals and shifted symbols. */
export async function typeLikeAPerson(page: Page, text: string, delayMs = 15): Promise<void> {
  for (const ch of text) {
    const shiftedKey = SHIFTED[ch] ?? (/^[A-Z]$/.test(ch) ? `Key${ch}` : undefined);
    if (shiftedKey) {
      await page.keyboard.down('Shift');
      await page.keyboard.press(shiftedKey, { delay: delayMs });
      await page.keyboard.up('Shift');
    } else {
      await page.keyboard.press(ch === ' ' ? 'Space' : ch, { delay: delayMs });
    }
  }
}
