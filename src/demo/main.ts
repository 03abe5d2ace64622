import * as E from 'fp-ts/Either';
import { runAgents } from '../agents';
import { commandConfig, DEMO_OPTIONS, DemoConfig, type ServerConfig } from '../config';
import { logger } from '../log';
import { createAccess } from '../server/access';
import { startupBanner } from '../server/main';
import { startServer, type RunningServer } from '../server/server';
import { untilShutdown } from '../shutdown';
import { Publisher } from '../eventlog';
import { describeBusSource, findBusSource, transportFactory } from './redisSource';

/**
 * `pm-arb demo`: finds a bus (Redis at --redis, else a private redis-server, else in-process memory),
 * then runs the server and the agents together until Ctrl-C, and stops everything it started.
 */
export async function runDemoCommand(argv: readonly string[]): Promise<number> {
  const parsed = commandConfig('demo', DemoConfig, DEMO_OPTIONS, argv, process.env);
  if ('exit' in parsed) return parsed.exit;
  const { config } = parsed;
  const access = createAccess(config);
  if (E.isLeft(access)) {
    process.stderr.write(`pm-arb demo: ${access.left}\n`);
    return 2;
  }
  const log = logger.child({ module: 'demo' });

  const source = await findBusSource(config.redisUrl);
  const stopRedis = async (): Promise<void> => {
    if (source.kind === 'private-redis') await source.process.stop();
  };
  if (source.kind === 'memory') log.warn({ reason: source.reason }, 'running on the in-process memory bus');
  const transport = transportFactory(source, config.channelPrefix, logger);
  const serverConfig: ServerConfig = { ...config, redisUrl: 'url' in source ? source.url : config.redisUrl };

  let server: RunningServer;
  try {
    server = await startServer({ config: serverConfig, ...transport('server', true), logger });
  } catch (error) {
    await stopRedis();
    process.stderr.write(`pm-arb demo: ${(error as Error).message}\n`);
    return 1;
  }
  const agentsLog = transport('agents', false).log;
  const publisher = new Publisher(agentsLog);
  const agents = runAgents({
    publish: async (channel, payload) => {
      await publisher.publish(channel, payload);
    },
    seed: config.seed,
    speed: config.speed,
    bankroll: config.bankroll,
    kellyFraction: config.kellyFraction,
    polymarketTakerRate: config.polymarketFee,
    logger: logger.child({ module: 'agents' }),
  });

  process.stdout.write(
    [
      startupBanner(serverConfig, server.port, server.adminPort).trimEnd(),
      `  events     ${describeBusSource(source)}`,
      `  agents     run ${agents.runId}, seed ${config.seed}, speed ${config.speed}x, bankroll $${config.bankroll}`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  return untilShutdown(log, async () => {
    await agents.stop();
    publisher.close();
    await agentsLog.close();
    await server.stop();
    await stopRedis();
  });
}
