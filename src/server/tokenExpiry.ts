import type { Guard } from './guard';

/** The longest delay a Node timer takes; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes a connection when its token expires (`exp`, seconds), unless a refresh re-armed it first. */
export function createTokenExpiry<S, D extends { expiry: ReturnType<typeof setTimeout> | undefined }>(deps: {
  readonly expired: (socket: S, data: D) => void;
  readonly guard: Guard;
  readonly now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const arm = (socket: S, data: D, exp: number): void => {
    clearTimeout(data.expiry);
    const left = exp * 1000 - now();
    if (left <= 0) {
      data.expiry = undefined;
      deps.expired(socket, data);
      return;
    }
    data.expiry = setTimeout(
      deps.guard.wrap('ws token expiry', () => arm(socket, data, exp)),
      Math.min(left, MAX_TIMER_MS),
    );
  };
  return {
    /** (Re)starts the countdown to `exp`. */
    arm,
    /** Stops it (the socket closed). */
    disarm(data: D): void {
      clearTimeout(data.expiry);
      data.expiry = undefined;
    },
  };
}
