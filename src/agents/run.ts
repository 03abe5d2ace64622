import { randomBytes } from 'node:crypto';
import { type OutgoingEvent, channelOf, encodeEvent } from '../events';
import { type Ledger, Simulation } from './simulation';

/** The few pino methods the shell uses. */
export interface AgentsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How to run the agents in real time. */
export interface RunAgentsOptions {
  /** Sends one encoded event on a channel (without any Redis prefix: the caller adds it). */
  readonly publish: (channel: string, payload: string) => Promise<void> | void;
  readonly seed: number;
  /** Simulated seconds per real second (60: a simulated hour per real minute). */
  readonly speed: number;
  /** Run id in event and trade ids (default: 8 random hex digits). */
  readonly runId?: string;
  /** Real ms between steps of the timer (default 100). */
  readonly stepMs?: number;
  /** Real ms between heartbeats (default 5000). */
  readonly heartbeatMs?: number;
  /** Real ms between unconditional snapshot republishes (default 5000). */
  readonly snapshotMs?: number;
  /** ISO-8601 simulated start time (default 2026-01-01T22:00:00Z). */
  readonly startAt?: string;
  /** Initial bankroll, a decimal string (default "500"). */
  readonly bankroll?: string;
  /** Fraction of full Kelly the strategies stake, a decimal string (default "0.25"). */
  readonly kellyFraction?: string;
  /** Taker fee rate of Polymarket markets, a decimal string (default "0"). */
  readonly polymarketTakerRate?: string;
  readonly logger?: AgentsLogger;
  /** Wall clock in epoch ms (default `Date.now`). */
  readonly clock?: () => number;
}

/** A running set of agents. */
export interface AgentsHandle {
  readonly runId: string;
  /** Stops the timer, waits for the step in flight, publishes a last `stopped` heartbeat. */
  stop(): Promise<void>;
  /** The books so far. */
  ledger(): Ledger;
}

/** A step publishes at most this many ticks, so a stalled process catches up without starving the event loop. */
const MAX_TICKS_PER_STEP = 2000;

function assertPositive(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`${name} must be a positive number up to ${max}, got ${String(value)}`);
  return value;
}

/**
 * Runs the simulation on a real-time timer: simulated time advances `speed` times faster than the wall clock,
 * tick by tick, so the trading events are the same whatever the timer's jitter. Every event is encoded and published in order.
 */
export function runAgents(options: RunAgentsOptions): AgentsHandle {
  const speed = assertPositive('speed', options.speed, 100_000);
  const stepMs = assertPositive('stepMs', options.stepMs ?? 100, 60_000);
  const heartbeatMs = Math.round(assertPositive('heartbeatMs', options.heartbeatMs ?? 5000, 3_600_000));
  const snapshotMs = assertPositive('snapshotMs', options.snapshotMs ?? 5000, 3_600_000);
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const sim = new Simulation({
    seed: options.seed,
    run: runId,
    ...(options.startAt === undefined ? {} : { startAt: options.startAt }),
    ...(options.bankroll === undefined ? {} : { bankroll: options.bankroll }),
    ...(options.kellyFraction === undefined ? {} : { kellyFraction: options.kellyFraction }),
    ...(options.polymarketTakerRate === undefined ? {} : { polymarketTakerRate: options.polymarketTakerRate }),
  });
  const clock = options.clock ?? Date.now;
  const log = options.logger;
  const started = clock();
  let lastHeartbeat = started;
  let lastSnapshot = started;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const isoNow = (): string => new Date(clock()).toISOString();

  const publishAll = async (events: readonly OutgoingEvent[]): Promise<void> => {
    for (const event of events) {
      try {
        await options.publish(channelOf(event.type), encodeEvent(event));
      } catch (error) {
        failures += 1;
        // A failed publish is lost like a dropped pub/sub message; projections count the seq gap.
        if (failures === 1 || failures % 1000 === 0) log?.warn({ err: error, failures, type: event.type }, 'publish failed');
      }
    }
  };

  const step = async (): Promise<void> => {
    const due = Math.floor(((clock() - started) * speed) / sim.config.tickMs);
    for (let n = 0; sim.ticks < due && n < MAX_TICKS_PER_STEP && !stopped; n += 1) await publishAll(sim.tick(isoNow()));
    const now = clock();
    if (now - lastHeartbeat >= heartbeatMs) {
      lastHeartbeat = now;
      await publishAll(sim.heartbeats(isoNow(), heartbeatMs));
    }
    if (now - lastSnapshot >= snapshotMs) {
      lastSnapshot = now;
      await publishAll(sim.snapshots(isoNow()));
    }
  };

  const loop = async (first: boolean): Promise<void> => {
    try {
      if (first) {
        await publishAll(sim.heartbeats(isoNow(), heartbeatMs, 'starting'));
        await publishAll(sim.snapshots(isoNow()));
        log?.info({ runId, seed: options.seed, speed, startAt: new Date(sim.now).toISOString() }, 'agents started');
      } else {
        await step();
      }
    } catch (error) {
      log?.error({ err: error }, 'agents step failed');
    }
    if (!stopped) timer = setTimeout(() => (inFlight = loop(false)), stepMs);
  };
  inFlight = loop(true);

  return {
    runId,
    ledger: () => sim.ledger(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await inFlight;
      await publishAll(sim.heartbeats(isoNow(), heartbeatMs, 'stopped'));
      const ledger = sim.ledger();
      log?.info({ runId, trades: ledger.trades.length, settled: ledger.settled, pnl: ledger.pnl, failures }, 'agents stopped');
    },
  };
}
