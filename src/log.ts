import pino from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The level from LOG_LEVEL, `info` when unset; an unknown value falls back to `info` rather than crash logging. */
function levelFromEnv(): string {
  const wanted = (process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return (LEVELS as readonly string[]).includes(wanted) ? wanted : 'info';
}

/** The one root logger; modules take `logger.child({ module })`. */
export const logger: pino.Logger = pino({ level: levelFromEnv(), base: { pid: process.pid } });

/** A child logger for one module. */
export function moduleLogger(module: string): pino.Logger {
  return logger.child({ module });
}
