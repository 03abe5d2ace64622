/**
 * Pipeline micro-bench: events/s through decode + evolve + ops on one core, for a realistic mix,
 * then JSON.parse alone on the same inputs in the same run. `npm run bench:pipeline [events]`.
 */
import * as E from 'fp-ts/Either';
import { encodeEvent, decodeEvent, decodeEventByIoTs, CATALOG, AGENT_CHANNELS, type EventTag, type OutgoingEvent, type Event } from '../src/events';
import { diff, ProjectionStates, Projector } from '../src/pipeline';
import { runKeyOf } from '../src/eventlog';
import { serverPath, TICK_EVENTS, type Message } from './lib/serverPath';
import { median } from './lib/stats';

const COUNT = Number(process.argv[2] ?? 200_000);

/**
 * Runs `work` and returns events per second of this process's CPU time (user + system): the
 * machine is shared, so wall-clock time would count other processes' turns on the core.
 */
function rate(events: number, work: () => void): number {
  const cpu = process.cpuUsage();
  work();
  const used = process.cpuUsage(cpu);
  return events / ((used.user + used.system) / 1e6);
}
const PASSES = 5;

/** A small deterministic PRNG (mulberry32), so every run benches the same stream. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The mix, per 100 events, of a fleet under load: the scanner's opportunities dominate, every
 * request gets a decision, most approvals fill and every fill settles. Snapshots are republished
 * every few seconds per agent, so at thousands of events/s they are a small share (0.7% here,
 * already more than a fleet sends at that rate).
 */
const MIX: readonly [EventTag, number][] = [
  ['opportunity.detected', 31],
  ['trade.requested', 15],
  ['risk.decided', 15],
  ['trade.executed', 10],
  ['trade.settled', 10],
  ['agent.heartbeat', 15],
  ['allocation.updated', 3.3],
  ['guardian.snapshot', 0.3],
  ['allocator.snapshot', 0.2],
  ['executor.snapshot', 0.2],
];

/** `count` encoded events of the mix, deterministic. */
export function generate(count: number): Message[] {
  const random = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const money = (max: number) => (random() * max).toFixed(2);
  const fraction = () => random().toFixed(4);
  const markets = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? `polymarket:mkt-${i}` : `kalshi:MKT-${i}`));
  const strategies = ['oracle-sniper', 'momentum', 'cross-venue'];
  const agents = ['scanner', 'oracle-sniper', 'risk-guardian', 'paper-executor', 'capital-allocator', 'market-sim'];
  const seqs = new Map<string, number>();
  const trades: Record<string, unknown>[] = [];
  let tradeNo = 0;
  let time = Date.UTC(2026, 10, 26, 2, 0, 0);
  const total = MIX.reduce((s, [, w]) => s + w, 0);

  const data = (tag: EventTag): unknown => {
    switch (tag) {
      case 'opportunity.detected':
        return { id: `opp-${tradeNo}-${Math.floor(random() * 1e6)}`, opportunity_type: 'oracle_lag', market_id: pick(markets), oracle_symbol: 'BTC-USD',
          oracle_value: money(120_000), fair_price: fraction(), market_price: fraction(), expected_edge: fraction(), signal_strength: fraction() };
      case 'trade.requested':
        return { request_id: `req-${tradeNo}`, opportunity_id: `opp-${tradeNo}`, strategy: pick(strategies), market_id: pick(markets),
          side: 'buy', outcome: pick(['YES', 'NO']), amount: money(50), max_price: fraction(), expected_edge: fraction() };
      case 'risk.decided': {
        const approved = random() < 0.6;
        return { request_id: `req-${tradeNo}`, strategy: pick(strategies), approved, reason: approved ? 'ok' : 'limit',
          rule_triggered: approved ? null : pick(['position_limit', 'platform_limit', 'minimum_profit']) };
      }
      case 'trade.executed': {
        const market = pick(markets);
        const trade = { id: `paper-${(tradeNo++).toString(16).padStart(8, '0')}`, request_id: `req-${tradeNo}`, strategy: pick(strategies),
          market_id: market, venue: market.split(':')[0], side: 'buy', outcome: pick(['YES', 'NO']), amount: money(50), price: fraction(),
          fees: money(1), status: 'filled', executed_at: new Date(time).toISOString(), paper_trade: true };
        trades.unshift(trade);
        if (trades.length > 10) trades.pop();
        return trade;
      }
      case 'trade.settled': {
        const trade = trades[Math.floor(random() * trades.length)];
        const won = random() < 0.55;
        return { trade_id: trade?.id ?? 'paper-none', strategy: trade?.strategy ?? 'momentum', market_id: trade?.market_id ?? markets[0],
          won, pnl: won ? money(30) : `-${money(30)}`, settled_at: new Date(time).toISOString() };
      }
      case 'agent.heartbeat':
        return { role: 'worker', status: 'running', processed: tradeNo, interval_ms: 1000 };
      case 'allocation.updated':
        return { strategy: pick(strategies), allocation_pct: fraction(), total_capital: '500' };
      case 'guardian.snapshot':
        return { current_value: money(1000), high_water_mark: '1000', daily_pnl: money(20), halted: false, initial_bankroll: '500',
          positions: Object.fromEntries(markets.slice(0, 6).map((m) => [m, money(50)])), platform_exposure: { polymarket: money(200), kalshi: money(200) } };
      case 'allocator.snapshot':
        return { total_capital: '500', strategies: Object.fromEntries(strategies.map((s) => [s,
          { total_pnl: money(100), trades: tradeNo, wins: Math.floor(tradeNo / 2), losses: Math.ceil(tradeNo / 2), allocation_pct: '0.3333' }])) };
      case 'executor.snapshot':
        return { trade_count: tradeNo, recent_trades: trades.slice(0, 10) };
      default:
        return {};
    }
  };

  const out: Message[] = [];
  for (let i = 0; i < count; i++) {
    let r = random() * total;
    let tag: EventTag = 'opportunity.detected';
    for (const [t, w] of MIX) {
      r -= w;
      if (r < 0) {
        tag = t;
        break;
      }
    }
    time += 7;
    const agent = pick(agents);
    const seq = (seqs.get(agent) ?? 0) + 1;
    seqs.set(agent, seq);
    const event: OutgoingEvent = { type: tag, agent, run: 'bench', seq, ts: new Date(time).toISOString(), data: data(tag) as Event['data'] };
    out.push({ channel: CATALOG[tag].channel, raw: Buffer.from(encodeEvent(event)) });
  }
  return out;
}

/** One pass of decode + evolve + ops on a fresh projector; returns events/s and ops emitted. */
function pipelinePass(messages: readonly Message[]): { rate: number; ops: number; rejected: number } {
  const projector = new Projector();
  let ops = 0;
  let rejected = 0;
  const r = rate(messages.length, () => {
    for (const { channel, raw } of messages) {
      const decoded = decodeEvent(channel, raw);
      if (E.isLeft(decoded)) {
        rejected++;
        continue;
      }
      for (const change of projector.apply(decoded.right).changes) ops += change.ops.length;
    }
  });
  return { rate: r, ops, rejected };
}

/** This checkout's modules, for `serverPath`. */
const OURS = { decodeEvent, AGENT_CHANNELS, ProjectionStates, diff };

/** The server's work (see `serverPath`), in events per CPU-second. */
function serverPass(messages: readonly Message[]): number {
  let ops = 0;
  const r = rate(messages.length, () => {
    ops = serverPath(OURS, messages);
  });
  if (ops === 0) throw new Error('no deltas');
  return r;
}

function parsePass(messages: readonly Message[]): number {
  let keys = 0;
  const r = rate(messages.length, () => {
    for (const { raw } of messages) keys += Object.keys(JSON.parse(raw.toString('utf8')) as object).length;
  });
  if (keys === 0) throw new Error('nothing parsed');
  return r;
}

function decodePass(messages: readonly Message[], decode = decodeEvent): number {
  let ok = 0;
  const r = rate(messages.length, () => {
    for (const { channel, raw } of messages) if (E.isRight(decode(channel, raw))) ok++;
  });
  if (ok === 0) throw new Error('nothing decoded');
  return r;
}

/** The bridge's check of a message heard on pub/sub: its run key, read from the message's start. */
function runKeyPass(messages: readonly Message[]): number {
  let keys = 0;
  const r = rate(messages.length, () => {
    for (const { raw } of messages) if (runKeyOf(raw) !== undefined) keys++;
  });
  if (keys === 0) throw new Error('no run keys');
  return r;
}

function applyPass(events: readonly Event[]): number {
  const projector = new Projector();
  return rate(events.length, () => {
    for (const event of events) projector.apply(event);
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function main(): void {
  const messages = generate(COUNT);
  pipelinePass(messages); // warm-up: let the JIT settle on the whole mix
  parsePass(messages.slice(0, 20_000));
  const runs = Array.from({ length: PASSES }, () => pipelinePass(messages));
  const servers: number[] = [];
  const parses: number[] = [];
  for (let i = 0; i < PASSES; i++) {
    // Interleaved, so that the ratio of the two is taken under the same load on a shared machine.
    servers.push(serverPass(messages));
    parses.push(parsePass(messages));
  }
  const decodes: number[] = [];
  const byIoTs: number[] = [];
  for (let i = 0; i < PASSES; i++) {
    // Interleaved, so that both see the same load on a shared machine.
    decodes.push(decodePass(messages));
    byIoTs.push(decodePass(messages, decodeEventByIoTs));
  }
  const decoded = messages.flatMap(({ channel, raw }) => {
    const e = decodeEvent(channel, raw);
    return E.isRight(e) ? [e.right] : [];
  });
  const applies = Array.from({ length: PASSES }, () => applyPass(decoded));
  const runKeys = Array.from({ length: PASSES }, () => runKeyPass(messages));
  const first = runs[0];
  const bytes = messages.reduce((s, m) => s + m.raw.length, 0);

  console.log(`pipeline: ${fmt(median(runs.map((r) => r.rate)))} events/s`);
  console.log(`server path (decode + reduce in place + one diff per channel per ${fmt(TICK_EVENTS)} events): ${fmt(median(servers))} events/s`);
  console.log(`json.parse only: ${fmt(median(parses))} events/s (same inputs, same run)`);
  console.log(`server path / json.parse: ${median(servers.map((r, i) => r / (parses[i] ?? r))).toFixed(3)} (median of the interleaved pairs)`);
  console.log(`decode only (JSON.parse + io-ts): ${fmt(median(decodes))} events/s`);
  console.log(`decode only, by io-ts alone (decodeEventByIoTs, no compiled guards): ${fmt(median(byIoTs))} events/s`);
  console.log(`evolve + ops only (pre-decoded): ${fmt(median(applies))} events/s`);
  console.log(`bridge run key only (runKeyOf, per message heard on pub/sub): ${fmt(median(runKeys))} messages/s`);
  console.log(
    `events: ${fmt(COUNT)} x ${PASSES} passes (median, per CPU-second of this process), mean ${Math.round(bytes / COUNT)} bytes, ` +
      `ops/event ${((first?.ops ?? 0) / COUNT).toFixed(2)}, rejected ${first?.rejected ?? 0}, node ${process.version}`,
  );
}

if (require.main === module) main();
