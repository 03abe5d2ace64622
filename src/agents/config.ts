import Big from 'big.js';

/** The guardian's limits, as fractions of the initial bankroll (DOMAIN.md defaults). */
export interface RiskLimits {
  /** Halt when value falls below high-water mark × (1 − this). */
  readonly maxDrawdownPct: Big;
  /** Reject while today's P&L is below −bankroll × this. */
  readonly dailyLossPct: Big;
  /** Exposure per market at most bankroll × this. */
  readonly maxPositionPct: Big;
  /** Exposure per venue at most bankroll × this. */
  readonly maxPlatformPct: Big;
  /** Reject when contracts × edge − fees is below this many dollars. */
  readonly minExpectedProfit: Big;
}

/** Everything that shapes one simulated run; all of it is fixed by the options, nothing by the clock. */
export interface SimulationConfig {
  readonly seed: number;
  /** The run id carried by event ids and trade, request and opportunity ids. */
  readonly run: string;
  /** Simulated epoch ms of the first tick. */
  readonly startAt: number;
  /** Simulated ms per tick. */
  readonly tickMs: number;
  /** Simulated ms a market trades between listing and settlement. */
  readonly marketLifetimeMs: number;
  readonly bankroll: Big;
  readonly limits: RiskLimits;
  /** Strategies stake this fraction of full Kelly. */
  readonly kellyFraction: Big;
  /** Taker fee rate of Polymarket markets (0: standard markets, no fee). */
  readonly polymarketTakerRate: Big;
  /** The allocator rebalances after this many settled trades. */
  readonly rebalanceEvery: number;
}

/** DOMAIN.md's default limits. */
export const DEFAULT_LIMITS: RiskLimits = {
  maxDrawdownPct: new Big('0.2'),
  dailyLossPct: new Big('0.1'),
  maxPositionPct: new Big('0.1'),
  maxPlatformPct: new Big('0.5'),
  minExpectedProfit: new Big('0.05'),
};

/** Two hours before a simulated UTC midnight, so a run at speed 60 sees the daily reset after two minutes. */
export const DEFAULT_START_AT = '2026-01-01T22:00:00.000Z';

/** Options a caller may set; the rest take defaults. */
export interface SimulationOptions {
  readonly seed: number;
  readonly run: string;
  /** ISO-8601 simulated start time (default `DEFAULT_START_AT`). */
  readonly startAt?: string;
  /** Initial bankroll in dollars as a decimal string (default `"500"`). */
  readonly bankroll?: string;
  /** Simulated seconds per tick (default 5). */
  readonly tickSeconds?: number;
  /** Fraction of full Kelly the strategies stake, a decimal string in (0, 1] (default `"0.25"`). */
  readonly kellyFraction?: string;
  /** Taker fee rate of Polymarket markets, a decimal string in [0, 1] (default `"0"`: standard markets). */
  readonly polymarketTakerRate?: string;
  /** Risk limits that differ from `DEFAULT_LIMITS`, as decimal strings (fractions in (0, 1], the minimum profit in dollars). */
  readonly limits?: Partial<Record<keyof RiskLimits, string>>;
}

/** Options → a full config; throws with the option's name when one is invalid (called once at start-up). */
export function assertSimulationConfig(options: SimulationOptions): SimulationConfig {
  if (!Number.isSafeInteger(options.seed)) throw new Error(`seed must be an integer, got ${String(options.seed)}`);
  if (!/^[A-Za-z0-9]{1,32}$/.test(options.run)) throw new Error(`run id must be 1–32 letters or digits, got "${options.run}"`);
  const startAt = Date.parse(options.startAt ?? DEFAULT_START_AT);
  if (Number.isNaN(startAt)) throw new Error(`startAt must be an ISO-8601 time, got "${String(options.startAt)}"`);
  const tickSeconds = options.tickSeconds ?? 5;
  if (!Number.isSafeInteger(tickSeconds) || tickSeconds < 1) {
    throw new Error(`tickSeconds must be a positive integer, got ${String(options.tickSeconds)}`);
  }
  const bankroll = decimalOption('bankroll', options.bankroll, '500');
  if (bankroll.lte(0)) throw new Error(`bankroll must be positive, got "${String(options.bankroll)}"`);
  const kellyFraction = decimalOption('kellyFraction', options.kellyFraction, '0.25');
  if (kellyFraction.lte(0) || kellyFraction.gt(1)) throw new Error(`kellyFraction must be in (0, 1], got "${String(options.kellyFraction)}"`);
  const polymarketTakerRate = decimalOption('polymarketTakerRate', options.polymarketTakerRate, '0');
  if (polymarketTakerRate.lt(0) || polymarketTakerRate.gt(1)) {
    throw new Error(`polymarketTakerRate must be in [0, 1], got "${String(options.polymarketTakerRate)}"`);
  }
  return {
    seed: options.seed,
    run: options.run,
    startAt,
    tickMs: tickSeconds * 1000,
    marketLifetimeMs: 30 * 60_000,
    bankroll,
    limits: limitsOf(options.limits ?? {}),
    kellyFraction,
    polymarketTakerRate,
    rebalanceEvery: 10,
  };
}

function decimalOption(name: string, value: string | undefined, fallback: string): Big {
  try {
    return new Big(value ?? fallback);
  } catch {
    throw new Error(`${name} must be a decimal string, got "${String(value)}"`);
  }
}

function limitsOf(overrides: Partial<Record<keyof RiskLimits, string>>): RiskLimits {
  const out: Record<string, Big> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new Error(`limits.${key} is not a risk limit (one of ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    const x = decimalOption(`limits.${key}`, value, '0');
    const fraction = key !== 'minExpectedProfit';
    if (x.lt(0) || (fraction && (x.eq(0) || x.gt(1)))) throw new Error(`limits.${key} must be ${fraction ? 'in (0, 1]' : 'at least 0'}, got "${value}"`);
    out[key] = x;
  }
  return out as unknown as RiskLimits;
}
