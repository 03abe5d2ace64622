import { closeSync, openSync, utimesSync } from 'node:fs';
import { createRedisLog, Publisher } from '../eventlog';
import { AGENTS_OPTIONS, AgentsConfig, commandConfig } from '../config';
import { logger } from '../log';
import { untilShutdown } from '../shutdown';
import { runAgents } from './run';

/** How often the alive file is touched while Redis is connected. */
const ALIVE_EVERY_MS = 5_000;

/** `pm-arb agents [options]`: publishes the simulated agents' events to Redis until SIGINT/SIGTERM. */
export async function runAgentsCommand(argv: readonly string[]): Promise<number> {
  const parsed = commandConfig('agents', AgentsConfig, AGENTS_OPTIONS, argv, process.env);
  if ('exit' in parsed) return parsed.exit;
  const { config } = parsed;
  const log = logger.child({ module: 'agents' });
  const eventLog = createRedisLog({ url: config.redisUrl, prefix: config.channelPrefix, logger: logger.child({ module: 'log' }) });
  const publisher = new Publisher(eventLog, { onRetry: (error) => log.warn({ err: error }, 'appending to the log failed; retrying') });
  const agents = runAgents({
    publish: async (channel, payload) => {
      await publisher.publish(channel, payload);
    },
    seed: config.seed,
    speed: config.speed,
    bankroll: config.bankroll,
    kellyFraction: config.kellyFraction,
    polymarketTakerRate: config.polymarketFee,
    logger: log,
  });
  let aliveFailed = false;
  const alive =
    config.aliveFile === ''
      ? undefined
      : setInterval(() => {
          if (!eventLog.connected) return;
          try {
            touch(config.aliveFile);
          } catch (error) {
            if (!aliveFailed) log.warn({ err: error, file: config.aliveFile }, 'cannot touch the alive file');
            aliveFailed = true;
          }
        }, ALIVE_EVERY_MS);
  process.stdout.write(
    `pm-arb agents: run ${agents.runId}, seed ${config.seed}, speed ${config.speed}x, bankroll $${config.bankroll}, ` +
      `appending to the log at ${config.redisUrl}${config.channelPrefix === '' ? '' : ` (prefix ${config.channelPrefix})`}\n`,
  );
  return untilShutdown(log, async () => {
    if (alive !== undefined) clearInterval(alive);
    await agents.stop();
    publisher.close();
    await eventLog.close();
  });
}

/** Creates the file or updates its times (a container health check reads its age); throws when it cannot. */
function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    closeSync(openSync(path, 'a'));
  }
}
