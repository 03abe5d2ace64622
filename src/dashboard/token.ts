/** Where the page keeps its token between reloads: this tab only, never sent anywhere but the WebSocket handshake. */
export const TOKEN_KEY = 'pm-arb.token';

/**
 * `#token=<jwt>` (optionally followed by `&page=<id>`) → the token and the fragment to leave in the
 * address bar. A fragment never reaches the server, its logs or a referrer; the page also removes
 * it from the address bar and history once read.
 */
export function tokenFromFragment(hash: string): { readonly token: string | undefined; readonly rest: string } {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!fragment.startsWith('token=')) return { token: undefined, rest: hash };
  const params = new URLSearchParams(fragment);
  const token = params.get('token') ?? '';
  const page = params.get('page');
  return { token: token === '' ? undefined : token, rest: page === null ? '' : `#${page}` };
}
