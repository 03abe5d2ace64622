/**
 * An agent of your own: builds envelope-v1 events, checks each with `decodeEvent` from `pm-arb/events`
 * (exactly what the server will do with it), and appends it to pm-arb's durable log with the
 * `Publisher` of `pm-arb/publisher` (which also publishes it on its Redis channel).
 *
 *   node publish.js --redis redis://127.0.0.1:6379 --agent my-executor
 *
 * It publishes a heartbeat, one filled trade and its settlement, then exits. A message the server would
 * reject is not published: the reason (`bad_data`, ...) and the path of the bad field are printed instead.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { decodeEvent, type AgentChannel } from 'pm-arb/events';
import { createRedisLog, Publisher } from 'pm-arb/publisher';

const { values } = parseArgs({
  options: {
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    'channel-prefix': { type: 'string', default: '' },
    agent: { type: 'string', default: 'my-executor' },
    strategy: { type: 'string', default: 'my-strategy' },
  },
});
const agent = values.agent;
/** A new run id per process start: event ids stay unique across restarts, and `seq` starts again at 1. */
const run = randomBytes(4).toString('hex');
let seq = 0;

/** One event as the wire wants it: envelope v1 around the payload. */
function envelope(type: string, data: object): string {
  seq += 1;
  return JSON.stringify({ v: 1, id: `${agent}:${run}:${seq}`, agent, seq, ts: new Date().toISOString(), type, data });
}

const log = createRedisLog({ url: values.redis, prefix: values['channel-prefix'] });
const publisher = new Publisher(log);

async function publish(channel: AgentChannel, message: string): Promise<void> {
  const checked = decodeEvent(channel, message);
  if (checked._tag === 'Left') {
    console.error(`not published (${checked.left.reason}): ${checked.left.message}`);
    process.exitCode = 1;
    return;
  }
  // Retried until logged; a retry of an event already logged is refused by the log (same run, same seq).
  const appended = await publisher.publish(channel, message);
  console.log(`published ${checked.right.type} on ${channel}${appended.outcome === 'appended' ? ` at log position ${appended.pos}` : ' (already logged)'}`);
}

const tradeId = `${agent}-${run}-1`;
const market = 'polymarket:btc-100k';
try {
  await publish('agent.updates', envelope('agent.heartbeat', { role: 'executor', status: 'running', processed: 0, interval_ms: 5000 }));
  await publish(
    'trade.results',
    envelope('trade.executed', {
      id: tradeId, request_id: `req-${run}-1`, strategy: values.strategy, market_id: market, venue: 'polymarket',
      side: 'buy', outcome: 'YES', amount: '25.00', price: '0.62', fees: '0.025', status: 'filled',
      executed_at: new Date().toISOString(), paper_trade: true,
    }),
  );
  await publish(
    'trade.results',
    envelope('trade.settled', {
      trade_id: tradeId, strategy: values.strategy, market_id: market, won: true, pnl: '15.30', settled_at: new Date().toISOString(),
    }),
  );
} finally {
  publisher.close();
  await log.close();
}
