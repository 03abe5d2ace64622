import { createRedisBus } from '../bus';
import { createRedisLog } from '../eventlog';
import { commandConfig, SERVER_OPTIONS, ServerConfig } from '../config';
import { logger } from '../log';
import { untilShutdown } from '../shutdown';
import { startServer, type RunningServer } from './server';

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
  const parsed = commandConfig('server', ServerConfig, SERVER_OPTIONS, argv, process.env);
  if ('exit' in parsed) return parsed.exit;
  const { config } = parsed;
  const serverLog = logger.child({ module: 'server' });
  const bus = createRedisBus({ url: config.redisUrl, prefix: config.channelPrefix, logger: logger.child({ module: 'bus' }) });
  const log = createRedisLog({ url: config.redisUrl, prefix: config.channelPrefix, logger: logger.child({ module: 'log' }), reads: true });
  let server: RunningServer;
  try {
    server = await startServer({ config, bus, log, logger });
  } catch (error) {
    await bus.close();
    await log.close();
    process.stderr.write(`pm-arb server: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(startupBanner(config, server.port));
  serverLog.info({ port: server.port, host: config.host, flushMs: config.flushMs, channelPrefix: config.channelPrefix }, 'server started');

  return untilShutdown(serverLog, () => server.stop());
}
