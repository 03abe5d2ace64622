/**
 * How long the flush tick is: as short as `--flush-ms` while the server keeps up, longer while it
 * does not, never longer than half the latency budget. Pure: the server feeds it what it observed
 * over each tick and schedules the next tick after the length it returns.
 *
 * Why the tick length is the lever: a busy channel's delta carries the net change of a tick, whose
 * size stops growing once a tick replaces the whole of what the channel shows (a 50-trade window).
 * From then on the bytes each client receives per second are proportional to the tick rate, not to
 * the event rate: doubling the tick halves them, and halves the fan-out's CPU, while the latency
 * it adds is at most one tick. It gives back only what the fan-out costs: a loop kept busy by ingest
 * (many events, few clients) gets nothing from longer ticks but the latency, so there they stay short.
 */

/** The range the tick stays within. */
export interface TickLimits {
  /** The shortest tick, `--flush-ms`: what a quiet server uses. */
  readonly minMs: number;
  /** The longest: half the latency budget (the other half is left for delivery), never below `minMs`. */
  readonly maxMs: number;
}

/** What the server observed over the tick that just ended. */
export interface TickSignals {
  /** How long that tick lasted, from the previous flush to this one (ms). */
  readonly elapsedMs: number;
  /** How much later than planned this flush ran (ms): the event loop had other work first. */
  readonly lateMs: number;
  /** The share of `elapsedMs` the event loop was busy (0..1): ingest, fan-out and sockets together. */
  readonly busy: number;
  /** How far behind the head of the log ingest is (ms; 0 at the head). */
  readonly logLagMs: number;
  /** Bytes waiting in the server for a socket, the 90th percentile of the sockets sampled. */
  readonly queuedBytes: number;
  /** Bytes published during the tick per subscriber of every channel (what one such client received). */
  readonly sentBytes: number;
  /** How long the last tick's fan-out took (ms): its flush and uWS's writes of its frames. */
  readonly fanoutMs: number;
}

/** The controller's state: the tick length and what it remembers of the signals. */
export interface TickState {
  readonly tickMs: number;
  /** Event-loop busy share, smoothed over about `SMOOTHING_MS`. */
  readonly busy: number;
  /** Bytes per ms of deltas sent to a subscriber of every channel, smoothed over about `SMOOTHING_MS`. */
  readonly sendRate: number;
  /** The share of the loop's time the fan-out took (0..1), smoothed over about `SMOOTHING_MS`. */
  readonly fanout: number;
  /** Consecutive ticks that showed strain. */
  readonly strained: number;
  /** How long those ticks lasted (ms). */
  readonly strainedMs: number;
  /** How long the signals have been calm since the tick last changed (ms). */
  readonly calmMs: number;
  /** Time since the tick was last shortened (ms; `Infinity` when it has not been since it last lengthened). */
  readonly sinceShortenedMs: number;
  /** A tick length that strained soon after the tick was shortened to it (0: none): not tried again before `FORGET_MS` of calm. */
  readonly avoidMs: number;
}

/** Time constant of the smoothed busy share and send rate: a single slow tick (a GC pause) is not a trend. */
export const SMOOTHING_MS = 100;
/** Busy share at or above which the loop has no room left: ingest and fan-out compete for it. */
export const BUSY_HIGH = 0.9;
/** Busy share under which the loop has room for shorter ticks. */
export const BUSY_LOW = 0.7;
/**
 * Fan-out share of the loop from which a busy or lagging loop is worth a longer tick: doubling it
 * gives back at least half of that (5 % of the loop). Below, ingest is what keeps the loop busy.
 */
export const FANOUT_HIGH = 0.1;
/**
 * Fan-out share under which a tick a quarter shorter costs the loop little more (a third of it, under
 * 2.5 %) however busy it is, and leaves the share under `FANOUT_HIGH`, so the step is not undone.
 */
export const FANOUT_LOW = 0.07;
/** Strained ticks in a row before the tick lengthens: a late tick or two (a GC pause, a busy neighbour) is noise. */
export const STRAIN_TICKS = 3;
/**
 * How long a loop that is full but keeping up (busy at or above `BUSY_HIGH`, nothing behind) must stay
 * so before the tick lengthens. When traffic starts, the first ticks' fan-out to a thousand fresh sockets
 * (code not yet optimised, socket buffers growing) keeps the loop full for a few hundred ms and then
 * stops: lengthening for it left the tick above `--flush-ms` for seconds. A loop falling behind (log lag
 * or lateness over a tick, queues over a tick) still lengthens after `STRAIN_TICKS`.
 */
export const FULL_MS = 500;
/** How long the signals must stay calm before each shortening step: shorten slowly, lengthen fast. */
export const CALM_MS = 500;
/** A strain this soon after shortening means the shorter tick was too short. */
export const PROBE_MS = 5_000;
/** Calm long enough to try again a tick length that strained: conditions change (load ends, clients leave). */
export const FORGET_MS = 10_000;
/**
 * Delta bytes per tick to one subscriber under which the sockets' queues are not the ticks' doing
 * (snapshots to clients that just joined, with hardly any deltas flowing): a longer tick would not shorten them.
 */
export const MIN_TICK_BYTES = 1_024;
/** Lengthening factor on strain. */
export const LENGTHEN = 2;
/** Shortening factor after a calm period. */
export const SHORTEN = 0.75;
/** A shortened tick within this factor of `minMs` goes to `minMs` itself: a quiet server runs at its floor, not a step above it. */
export const SNAP = 1.25;

/** The limits for `--flush-ms` and `--latency-budget-ms` (0: no budget to spend, the tick stays fixed). */
export function tickLimits(flushMs: number, latencyBudgetMs: number): TickLimits {
  return { minMs: flushMs, maxMs: Math.max(flushMs, Math.floor(latencyBudgetMs / 2)) };
}

/** The state a server starts with: the shortest tick, nothing observed yet. */
export function initialTick(limits: TickLimits): TickState {
  return { tickMs: limits.minMs, busy: 0, sendRate: 0, fanout: 0, strained: 0, strainedMs: 0, calmMs: 0, sinceShortenedMs: Infinity, avoidMs: 0 };
}

/**
 * How long the newest change waits behind delta bytes queued for the sockets (ms): queued bytes over
 * the rate deltas are sent at, when ticks send enough for that to mean anything (snapshots to clients
 * that just joined are not the ticks' doing).
 */
function queueBacklogMs(signals: TickSignals, sendRate: number, tickMs: number): number {
  return sendRate * tickMs >= MIN_TICK_BYTES ? signals.queuedBytes / sendRate : 0;
}

/**
 * The next state. Strain for `STRAIN_TICKS` ticks in a row doubles the tick (up to `maxMs`): the
 * server sends half the frames and spends half the fan-out CPU, so it catches up. Strain is the
 * sockets queueing more than a tick of deltas, or — while the fan-out takes at least `FANOUT_HIGH`
 * of the loop — the loop falling behind (log lag or lateness over a tick) or busy at or above
 * `BUSY_HIGH`; a loop only busy, nothing behind, must stay so for `FULL_MS` as well. Calm — queues
 * under a quarter of the tick, and either a loop with no backlog to speak of (under a quarter tick)
 * and under `BUSY_LOW` busy, or a fan-out under `FANOUT_LOW` of it — for `CALM_MS` shortens it by a
 * quarter (to `minMs` once within `SNAP` of it). A length that strained within
 * `PROBE_MS` of being shortened to is not tried again before `FORGET_MS` of calm: without that
 * memory the tick would swing between the length that strains and the one above it. Anything
 * between strain and calm holds the tick where it is, which is where it settles.
 */
export function nextTick(state: TickState, signals: TickSignals, limits: TickLimits): TickState {
  const elapsedMs = Math.max(0, signals.elapsedMs);
  const weight = 1 - Math.exp(-elapsedMs / SMOOTHING_MS);
  const busy = state.busy + (clamp(signals.busy, 0, 1) - state.busy) * weight;
  const rate = elapsedMs > 0 ? Math.max(0, signals.sentBytes) / elapsedMs : 0;
  const sendRate = state.sendRate + (rate - state.sendRate) * weight;
  const share = elapsedMs > 0 ? clamp(signals.fanoutMs / elapsedMs, 0, 1) : 0;
  const fanout = state.fanout + (share - state.fanout) * weight;
  const tickMs = clamp(state.tickMs, limits.minMs, limits.maxMs);
  const queueMs = queueBacklogMs(signals, sendRate, tickMs);
  const loopMs = Math.max(signals.logLagMs, signals.lateMs);
  const sinceShortenedMs = state.sinceShortenedMs + elapsedMs;
  const held: TickState = { tickMs, busy, sendRate, fanout, strained: 0, strainedMs: 0, calmMs: 0, sinceShortenedMs, avoidMs: state.avoidMs };

  const behind = queueMs > tickMs || (fanout >= FANOUT_HIGH && loopMs > tickMs);
  if (behind || (fanout >= FANOUT_HIGH && busy >= BUSY_HIGH)) {
    const strained = state.strained + 1;
    const strainedMs = state.strainedMs + elapsedMs;
    if (strained < STRAIN_TICKS || (!behind && strainedMs < FULL_MS)) return { ...held, strained, strainedMs };
    const avoidMs = sinceShortenedMs < PROBE_MS ? tickMs : state.avoidMs;
    return { ...held, tickMs: Math.min(limits.maxMs, Math.ceil(tickMs * LENGTHEN)), sinceShortenedMs: Infinity, avoidMs };
  }
  if (queueMs * 4 < tickMs && ((loopMs * 4 < tickMs && busy < BUSY_LOW) || fanout < FANOUT_LOW)) {
    const calmMs = state.calmMs + elapsedMs;
    const step = Math.floor(tickMs * SHORTEN);
    const shorter = step < limits.minMs * SNAP ? limits.minMs : step;
    const avoided = shorter <= state.avoidMs && calmMs < FORGET_MS;
    if (tickMs === limits.minMs || calmMs < CALM_MS || avoided) return { ...held, calmMs };
    return { ...held, tickMs: shorter, sinceShortenedMs: 0, avoidMs: shorter <= state.avoidMs ? 0 : state.avoidMs };
  }
  return held;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
