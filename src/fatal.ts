import type { Logger } from 'pino';

/**
 * The process-level rule: every handler is total, so an exception that reaches the top is a bug.
 * It is logged and the process exits 1 (a supervisor, e.g. compose's `restart: unless-stopped`,
 * starts it again) rather than run on in an unknown state.
 */
export function exitOnEscapedErrors(log: Logger): void {
  const die = (kind: string) => (error: unknown) => {
    log.fatal({ err: error }, `${kind} escaped every handler: exiting with 1`);
    process.exit(1);
  };
  process.on('uncaughtException', die('an exception'));
  process.on('unhandledRejection', die('a rejected promise'));
}
