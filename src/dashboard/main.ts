import { ProjectionClient } from '../client';
import { startDashboard } from './app';
import { TOKEN_KEY, tokenFromFragment } from './token';

/** The token in `#token=…`, if any: removed from the address bar and history at once, kept in this tab's session storage. */
function takeFragmentToken(): string | undefined {
  const { token, rest } = tokenFromFragment(location.hash);
  if (token === undefined) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}${rest}`);
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage may be off: the token then lasts as long as the page.
  }
  return token;
}

/** The access token from `#token=…`, or from an earlier load of this tab. */
function readToken(): string | undefined {
  const token = takeFragmentToken();
  if (token !== undefined) return token;
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

// The page is served by the projection server itself, so its WebSocket is on the same host.
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const url = `${scheme}://${location.host}/ws`;
const token = readToken();
const client = new ProjectionClient({ url, channels: ['*'], ...(token === undefined ? {} : { token }) });
// A fresh `#token=…` pasted into an open page replaces the token (and reconnects after a denial).
// Registered before the page's own hash routing, which then sees the fragment without the token.
window.addEventListener('hashchange', () => {
  const fresh = takeFragmentToken();
  if (fresh !== undefined) client.refresh(fresh);
});

startDashboard({
  url,
  state: (channel) => client.state(channel),
  status: () => client.status,
  reconnects: () => client.stats.reconnects,
  onChange: (listener) => {
    client.on('change', (change) => listener(change.channel));
  },
  onStatus: (listener) => {
    client.on('status', listener);
  },
});
