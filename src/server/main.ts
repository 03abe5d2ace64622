import * as E from 'fp-ts/Either';
import { createRedisBus } from '../bus';
import { loadServerConfig, serverUsage, type ServerConfig } from '../config';
import { logger } from '../log';
import { startServer } from './server';

/** Longest a shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 4_500;

/** The URLs people open, like the original's run script printed them. */
export function startupBanner(config: ServerConfig, port: number): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const http = `http://${host}:${port}`;
  return [
    `pm-arb server listening on ${config.host}:${port}`,
    `  dashboard  ${http}/`,
    `  websocket  ws://${host}:${port}/ws`,
    `  health     ${http}/health`,
    `  metrics    ${http}/metrics`,
    '',
  ].join('\n');
}

/** `pm-arb server [options]`: runs until SIGINT/SIGTERM, then shuts down cleanly; resolves to the exit code. */
export async function runServerCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(serverUsage());
    return 0;
  }
  const loaded = loadServerConfig(argv, process.env);
  if (E.isLeft(loaded)) {
    process.stderr.write(`pm-arb server: ${loaded.left.message}\n`);
    return 2;
  }
  const config = loaded.right;
  const log = logger.child({ module: 'server' });
  const bus = createRedisBus({ url: config.redisUrl, prefix: config.channelPrefix, logger: logger.child({ module: 'bus' }) });
  let server;
  try {
    server = await startServer({ config, bus, logger });
  } catch (error) {
    await bus.close();
    process.stderr.write(`pm-arb server: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(startupBanner(config, server.port));
  log.info({ port: server.port, host: config.host, flushMs: config.flushMs, channelPrefix: config.channelPrefix }, 'server started');

  const running = server;
  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        log.warn('shutdown took too long; exiting anyway');
        process.exit(0);
      }, SHUTDOWN_LIMIT_MS);
      force.unref();
      running.stop().then(
        () => resolve(0),
        (error: unknown) => {
          log.error({ err: error }, 'error during shutdown');
          resolve(0);
        },
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
