/*
 * The headless host's token in the page. It arrives once in the URL fragment (`#token=…`,
 * which browsers never send to a server), moves to sessionStorage (a reload, or a window
 * opened from this tab, keeps working) and leaves the address bar and history.
 */

/** sessionStorage key of the token. */
const TOKEN_KEY = 'vmsig.token';

/** The page's token: adopted from the fragment when present (and removed from it), else stored, else ''. */
export function pageToken(): string {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]!);
    history.replaceState(history.state, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}
