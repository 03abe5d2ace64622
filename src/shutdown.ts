import type { Logger } from 'pino';

/** Longest a shutdown may take before the process exits anyway (the contract says 5 s). */
export const SHUTDOWN_LIMIT_MS = 4_500;

/**
 * Resolves to exit code 0 once SIGINT or SIGTERM has arrived and `stop` has finished;
 * exits the process anyway if `stop` takes longer than `SHUTDOWN_LIMIT_MS`.
 */
export function untilShutdown(log: Logger, stop: () => Promise<void>): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals): void => {
      // A second signal (Ctrl-C reaches a launcher and its child alike) must not cut the shutdown short.
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        log.warn('shutdown took too long; exiting anyway');
        process.exit(0);
      }, SHUTDOWN_LIMIT_MS);
      force.unref();
      stop().then(
        () => resolve(0),
        (error: unknown) => {
          log.error({ err: error }, 'error during shutdown');
          resolve(0);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
