import { CLOSE_FORBIDDEN, CLOSE_TOO_MANY, CLOSE_UNAUTHORIZED } from './protocol';

/** What a client does after a close: stop for good, or reconnect after at least backoff attempt `minAttempt`'s delay. */
export type CloseReaction = { readonly stop: true } | { readonly stop: false; readonly minAttempt: number };

/** After 4429 the next try waits at least as long as backoff attempt 5 (4–8 s with the defaults): the server is full or makes this address wait. */
export const TOO_MANY_MIN_ATTEMPT = 5;

/**
 * How the reference client reads a close code: 4401 (token) and 4403 (origin or host) will not
 * change by trying again, so it stops; 4429 backs off longer; anything else reconnects as usual.
 */
export function reactionToClose(code: number): CloseReaction {
  if (code === CLOSE_UNAUTHORIZED || code === CLOSE_FORBIDDEN) return { stop: true };
  if (code === CLOSE_TOO_MANY) return { stop: false, minAttempt: TOO_MANY_MIN_ATTEMPT };
  return { stop: false, minAttempt: 0 };
}
