import * as E from 'fp-ts/Either';
import { createRedisBus } from '../bus';
import { createRedisLog } from '../eventlog';
import { commandConfig, SERVER_OPTIONS, ServerConfig } from '../config';
import { logger } from '../log';
import { untilShutdown } from '../shutdown';
import { createAccess } from './access';
import { startServer, type RunningServer } from './server';

/** The URLs people open, like the original's run script printed them. */
export function startupBanner(config: ServerConfig, port: number, adminPort: number): string {
  const shown = (address: string): string => (address === '0.0.0.0' || address === '::' ? 'localhost' : address.includes(':') ? `[${address}]` : address);
  const host = shown(config.host);
  const http = `http://${host}:${port}`;
  const admin = `http://${shown(config.adminHost)}:${adminPort}`;
  return [
    `pm-arb server listening on ${config.host}:${port}`,
    `  dashboard  ${http}/`,
    `  websocket  ws://${host}:${port}/ws`,
    `  health     ${http}/health`,
    `  metrics    ${admin}/metrics`,
    `  access     ${config.authSecret !== '' || config.authPublicKey !== '' || config.authJwks !== '' ? 'tokens required (open the dashboard at /#token=<jwt>)' : 'open (no --auth-* key configured)'}`,
    '',
  ].join('\n');
}

/** `pm-arb server [options]`: runs until SIGINT/SIGTERM, then shuts down cleanly; resolves to the exit code. */
export async function runServerCommand(argv: readonly string[]): Promise<number> {
  const parsed = commandConfig('server', ServerConfig, SERVER_OPTIONS, argv, process.env);
  if ('exit' in parsed) return parsed.exit;
  const { config } = parsed;
  // Access options that name files or need a length are checked here too, so they stop with 2 like any bad option.
  const access = createAccess(config);
  if (E.isLeft(access)) {
    process.stderr.write(`pm-arb server: ${access.left}\n`);
    return 2;
  }
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
  process.stdout.write(startupBanner(config, server.port, server.adminPort));
  serverLog.info({ port: server.port, host: config.host, flushMs: config.flushMs, channelPrefix: config.channelPrefix }, 'server started');

  return untilShutdown(serverLog, () => server.stop());
}
