/** What a socket keeps for work that waits to run outside uWS's handlers. */
export interface HasLater {
  /** Jobs in arrival order. */
  later: (() => void)[];
  closed: boolean;
}

/**
 * Runs work outside uWS's handlers: on the next setImmediate, in the same loop turn (before any
 * timer, so before the next flush tick), each socket's jobs in arrival order; a job that throws goes to `onFault`. Used for sends
 * that uWS would spill into the socket's own buffer when corked (see corkedWriter). A job
 * queued while the queue runs runs at once; a closed socket's jobs are skipped.
 */
export function createOutsideHandlers<S>(onFault: (error: unknown) => void) {
  const waiting = new Map<S, HasLater>();
  let running = false;

  const run = (): void => {
    const turn = [...waiting.values()];
    waiting.clear();
    running = true;
    try {
      for (const owner of turn) {
        const jobs = owner.later;
        owner.later = [];
        for (const job of jobs) {
          if (owner.closed) continue;
          // A job that throws is a counted fault: it must neither end the process nor skip the others.
          try {
            job();
          } catch (error) {
            onFault(error);
          }
        }
      }
    } finally {
      running = false;
    }
  };

  return {
    /** Runs `job` for `socket` after the handlers (at once if this is already after them). */
    later(socket: S, owner: HasLater, job: () => void): void {
      if (running) return job();
      owner.later.push(job);
      if (waiting.size === 0) setImmediate(run);
      waiting.set(socket, owner);
    },
    /** Drops a closed socket's waiting work. */
    forget(socket: S): void {
      waiting.delete(socket);
    },
  };
}
