import { describe, expect, it } from 'vitest';
import { TicketBook } from './tickets';

describe('TicketBook', () => {
  it('a ticket works once, for its VM only', () => {
    const book = new TicketBook();
    const t = book.mint(3);
    expect(t.ticket).toMatch(/^[\w-]{43}$/);
    expect(book.redeem(t.ticket, 3)).toBe(true);
    expect(book.redeem(t.ticket, 3)).toBe(false);
    const u = book.mint(3);
    expect(book.redeem(u.ticket, 4)).toBe(false);
    expect(book.redeem(u.ticket, 3)).toBe(false); // spent by the wrong try
  });

  it('a ticket expires after its lifetime', () => {
    let now = 1000;
    const book = new TicketBook(() => now, 5000);
    const t = book.mint(1);
    const u = book.mint(1);
    now += 4999;
    expect(book.redeem(t.ticket, 1)).toBe(true);
    now += 1;
    expect(book.redeem(u.ticket, 1)).toBe(false);
    expect(book.size).toBe(0);
  });

  it('keeps a bounded number outstanding', () => {
    const book = new TicketBook();
    const first = book.mint(1);
    for (let i = 0; i < 200; i++) book.mint(1);
    expect(book.size).toBeLessThanOrEqual(64);
    expect(book.redeem(first.ticket, 1)).toBe(false);
  });
});
