import { afterEach, describe, expect, it, vi } from 'vitest';
import { pageToken } from './token';

/** A window with a URL, sessionStorage and history.replaceState that moves the URL. */
function fakeWindow(href: string) {
  const store = new Map<string, string>();
  const loc = new URL(href);
  const location = {
    get hash() {
      return loc.hash;
    },
    get pathname() {
      return loc.pathname;
    },
    get search() {
      return loc.search;
    },
    get href() {
      return loc.href;
    },
  };
  vi.stubGlobal('window', { location });
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  });
  vi.stubGlobal('history', {
    state: null,
    replaceState: (_s: unknown, _t: string, url: string) => {
      const next = new URL(url, loc.href);
      loc.hash = next.hash;
      loc.search = next.search;
    },
  });
  return { location, store };
}

afterEach(() => vi.unstubAllGlobals());

describe('pageToken', () => {
  it('takes the token from the fragment, keeps it in sessionStorage and clears the address bar', () => {
    const w = fakeWindow('http://127.0.0.1:4000/?historyPage=5#token=abc_DEF-123');
    expect(pageToken()).toBe('abc_DEF-123');
    expect(w.location.href).toBe('http://127.0.0.1:4000/?historyPage=5');
    expect(w.store.get('vmsig.token')).toBe('abc_DEF-123');
    // A reload (no fragment any more) still has it.
    expect(pageToken()).toBe('abc_DEF-123');
  });

  it('is empty without a fragment or a stored token', () => {
    fakeWindow('http://127.0.0.1:4000/');
    expect(pageToken()).toBe('');
  });
});
