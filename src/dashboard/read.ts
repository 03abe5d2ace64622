import type {
  AgentRow,
  AmountRow,
  CountRow,
  Dec,
  EquityPoint,
  FigureRow,
  OverviewView,
  RiskView,
  StrategyRow,
  SystemView,
  TradeRow,
} from './model';

// The page reads states it did not produce: every reader accepts anything and falls back to
// "unknown" (null, 0, empty) field by field, so a schema change shows as a dash, never a crash.

type Json = Readonly<Record<string, unknown>>;

const EMPTY: Json = Object.freeze({});

function obj(x: unknown): Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Json) : EMPTY;
}

function dec(x: unknown): Dec {
  if (typeof x === 'string' && x !== '') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  return null;
}

function num(x: unknown): number {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'string' && x !== '' && Number.isFinite(Number(x))) return Number(x);
  return 0;
}

function numOrNull(x: unknown): number | null {
  return x === undefined || x === null ? null : num(x);
}

function str(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

/** The first present field of `o` among `keys`. */
function first(o: Json, ...keys: string[]): unknown {
  for (const key of keys) if (o[key] !== undefined) return o[key];
  return undefined;
}

/** `portfolio.summary` → the Overview's figures and equity curve. */
export function readOverview(state: unknown): OverviewView {
  const s = obj(state);
  const curve = Array.isArray(s.equity_curve) ? s.equity_curve : [];
  const equity: EquityPoint[] = [];
  for (const item of curve) {
    const p = obj(item);
    // The agents' simulated time when the point carries it (a demo hour reads as an hour), else its publish time.
    const stamp = typeof p.as_of === 'string' ? p.as_of : p.ts;
    const t = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
    const v = Number(dec(p.value));
    if (!Number.isFinite(t) || !Number.isFinite(v)) continue;
    const last = equity[equity.length - 1];
    // uPlot wants x ascending: keep the later of two points at the same or an older time.
    if (last !== undefined && t / 1000 <= last.t) equity[equity.length - 1] = { t: last.t, v };
    else equity.push({ t: t / 1000, v });
  }
  return {
    totalCapital: dec(s.total_capital),
    currentValue: dec(s.current_value),
    pnl: dec(s.pnl),
    pnlPct: dec(s.pnl_pct),
    tradeCount: num(s.trade_count),
    wins: num(s.wins),
    losses: num(s.losses),
    winRate: dec(s.win_rate),
    openExposure: dec(s.open_exposure),
    halted: s.halted === true,
    equity,
  };
}

/** `strategy.performance` (and the allocator's map in `agent.updates`) → one row per strategy, by name. */
export function readStrategies(performance: unknown, agentUpdates: unknown): StrategyRow[] {
  const perf = obj(obj(performance).strategies);
  const alloc = obj(obj(obj(agentUpdates).allocator).strategies);
  const names = new Set([...Object.keys(perf), ...Object.keys(alloc)]);
  const rows: StrategyRow[] = [];
  for (const name of names) {
    const p = obj(perf[name]);
    const a = obj(alloc[name]);
    const has = (key: string): boolean => p[key] !== undefined && p[key] !== null;
    const pick = (pk: string, ak: string): unknown => (has(pk) ? p[pk] : a[ak]);
    const wins = num(pick('wins', 'wins'));
    const losses = num(pick('losses', 'losses'));
    rows.push({
      name,
      pnl: dec(pick('pnl', 'total_pnl')),
      trades: num(pick('trades', 'trades')),
      wins,
      losses,
      winRate: dec(p.win_rate) ?? (wins + losses > 0 ? String(wins / (wins + losses)) : null),
      largestWin: dec(pick('largest_win', 'largest_win')),
      largestLoss: dec(pick('largest_loss', 'largest_loss')),
      allocationPct: dec(pick('allocation_pct', 'allocation_pct')),
      requests: num(p.requests),
      approvals: num(p.approvals),
      rejections: num(p.rejections),
    });
  }
  return rows.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** `trade.results` → trades, newest first, and the total count. */
export function readTrades(state: unknown): { count: number; trades: TradeRow[] } {
  const s = obj(state);
  const list = Array.isArray(s.trades) ? s.trades : Array.isArray(s.recent_trades) ? s.recent_trades : [];
  const trades: TradeRow[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const t = obj(item);
    const id = str(t.id);
    if (id === null || seen.has(id)) continue; // keyed rows need unique keys
    seen.add(id);
    trades.push({
      id,
      strategy: str(t.strategy),
      executedAt: str(t.executed_at),
      market: str(t.market_id) ?? '',
      side: str(t.side) ?? '',
      outcome: str(t.outcome) ?? '',
      amount: dec(t.amount),
      price: dec(t.price),
      fees: dec(t.fees),
      status: str(t.status) ?? '',
      pnl: dec(t.pnl),
      won: typeof t.won === 'boolean' ? t.won : null,
    });
  }
  return { count: num(first(s, 'trade_count', 'count')), trades };
}

function amounts(x: unknown): AmountRow[] {
  return Object.entries(obj(x))
    .map(([key, amount]) => ({ key, amount: dec(amount) }))
    .sort((a, b) => Number(b.amount ?? 0) - Number(a.amount ?? 0) || (a.key < b.key ? -1 : 1));
}

function counts(x: unknown): CountRow[] {
  return Object.entries(obj(x))
    .map(([key, count]) => ({ key, count: num(count) }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}

/** `risk.state` → the Risk page. */
export function readRisk(state: unknown): RiskView {
  const s = obj(state);
  const decisions = obj(s.decisions);
  return {
    currentValue: dec(s.current_value),
    highWaterMark: dec(s.high_water_mark),
    drawdown: dec(s.drawdown),
    drawdownPct: dec(s.drawdown_pct),
    dailyPnl: dec(s.daily_pnl),
    bankroll: dec(first(s, 'bankroll', 'initial_bankroll')),
    markedValue: dec(s.marked_value),
    unrealisedPnl: dec(s.unrealised_pnl),
    markedDrawdownPct: dec(s.marked_drawdown_pct),
    halted: s.halted === true,
    haltRule: str(s.halt_rule),
    haltReason: str(s.halt_reason),
    exposureByMarket: amounts(first(s, 'exposure_by_market', 'positions')),
    exposureByVenue: amounts(first(s, 'exposure_by_venue', 'platform_exposure')),
    approved: num(decisions.approved),
    rejected: num(decisions.rejected),
    rejectionsByRule: counts(decisions.rejections_by_rule),
  };
}

/** `agent.updates` → one row per agent, by name. */
export function readAgents(state: unknown): AgentRow[] {
  const agents = obj(obj(state).agents);
  return Object.entries(agents)
    .map(([name, value]) => {
      const a = obj(value);
      const ts = str(a.last_heartbeat);
      const ms = ts === null ? NaN : Date.parse(ts);
      return {
        name,
        role: str(a.role) ?? '',
        status: str(a.status) ?? 'unknown',
        lastHeartbeat: Number.isFinite(ms) ? ms : null,
        intervalMs: num(a.interval_ms),
        processed: num(a.processed),
        detail: str(a.detail),
      };
    })
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** Whether an agent missed three heartbeat intervals (or never sent one). */
export function isStale(agent: AgentRow, nowMs: number): boolean {
  if (agent.lastHeartbeat === null) return true;
  const interval = agent.intervalMs > 0 ? agent.intervalMs : 5000;
  return nowMs - agent.lastHeartbeat > 3 * interval;
}

const SYSTEM_KEYS = {
  connections: ['connections', 'clients'],
  eventsPerSecond: ['events_per_s', 'events_per_second', 'events_per_sec', 'events_in_per_second', 'events_in_rate'],
  rejectedTotal: ['rejected', 'rejected_total', 'rejected_events'],
  lostEvents: ['lost_events', 'lost'],
  duplicateEvents: ['duplicate_events', 'duplicates'],
  rejectedByReason: ['rejected_by_reason'],
  versions: ['versions'],
} as const;

const KNOWN = new Set<string>(Object.values(SYSTEM_KEYS).flat());

/** `my_figure_ms` → `My figure ms`. */
function label(key: string): string {
  const words = key.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function scalar(x: unknown): string | null {
  if (typeof x === 'number') return Number.isInteger(x) ? x.toLocaleString('en-US') : x.toFixed(2);
  if (typeof x === 'string') return x;
  if (typeof x === 'boolean') return x ? 'yes' : 'no';
  return null;
}

/** `system` → the server's figures; unknown scalar fields (one level deep) are listed as they are. */
export function readSystem(state: unknown): SystemView {
  const s = obj(state);
  const byReason = first(s, ...SYSTEM_KEYS.rejectedByReason);
  const rejectedByReason = counts(byReason);
  const rejected = first(s, ...SYSTEM_KEYS.rejectedTotal);
  const rejectedTotal =
    typeof rejected === 'object' && rejected !== null
      ? counts(rejected).reduce((sum, r) => sum + r.count, 0)
      : numOrNull(rejected) ?? (byReason === undefined ? null : rejectedByReason.reduce((sum, r) => sum + r.count, 0));
  const other: FigureRow[] = [];
  for (const [key, value] of Object.entries(s)) {
    if (KNOWN.has(key)) continue;
    const text = scalar(value);
    if (text !== null) {
      other.push({ key, label: label(key), value: text });
      continue;
    }
    for (const [inner, innerValue] of Object.entries(obj(value))) {
      const innerText = scalar(innerValue);
      if (innerText !== null) other.push({ key: `${key}.${inner}`, label: `${label(key)}: ${inner}`, value: innerText });
    }
  }
  return {
    connections: numOrNull(first(s, ...SYSTEM_KEYS.connections)),
    eventsPerSecond: numOrNull(first(s, ...SYSTEM_KEYS.eventsPerSecond)),
    rejectedTotal,
    lostEvents: numOrNull(first(s, ...SYSTEM_KEYS.lostEvents)),
    duplicateEvents: numOrNull(first(s, ...SYSTEM_KEYS.duplicateEvents)),
    rejectedByReason:
      typeof rejected === 'object' && rejected !== null && byReason === undefined ? counts(rejected) : rejectedByReason,
    versions: counts(first(s, ...SYSTEM_KEYS.versions)).sort((a, b) => (a.key < b.key ? -1 : 1)),
    other,
  };
}
