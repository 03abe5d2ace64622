import Big from 'big.js';
import type { SimulationOptions } from './config';
import { RULES } from './guardian';
import { Simulation } from './simulation';

/** One seed's run, summed up. */
export interface SeedResult {
  readonly seed: number;
  /** Orders that filled at least one contract (buys and unwinding sales). */
  readonly trades: number;
  /** Closed trades (settled or unwound) and those with a positive P&L. */
  readonly closed: number;
  readonly wins: number;
  /** Marked value at the end ÷ bankroll − 1. */
  readonly returnPct: Big;
  /** The deepest fall of marked equity below its high-water mark. */
  readonly maxDrawdownPct: Big;
  readonly halts: number;
  readonly fees: Big;
  /** Per rule: rejections that named it plus halts it declared. */
  readonly rules: Readonly<Record<string, number>>;
}

const TICKS_PER_HOUR = (tickMs: number): number => Math.round(3_600_000 / tickMs);

/** Options of a report run beyond seed and run id. */
export type ReportOptions = Omit<SimulationOptions, 'seed' | 'run'>;

/** Runs one seed for `hours` simulated hours as fast as it computes (no clock, no Redis). */
export function runSeed(seed: number, hours: number, options: ReportOptions = {}): SeedResult {
  const sim = new Simulation({ ...options, seed, run: `sim${seed}` });
  const bankroll = sim.config.bankroll;
  const ticks = hours * TICKS_PER_HOUR(sim.config.tickMs);
  const ts = new Date(sim.now).toISOString();
  for (let i = 0; i < ticks; i += 1) sim.tick(ts);
  const ledger = sim.ledger();
  const filled = ledger.trades.filter((t) => t.status !== 'cancelled');
  const closed = ledger.trades.filter((t) => t.settled);
  const rules: Record<string, number> = {};
  for (const rule of RULES) rules[rule] = (ledger.rejections[rule] ?? 0) + (ledger.halts[rule] ?? 0);
  return {
    seed,
    trades: filled.length,
    closed: closed.length,
    wins: closed.filter((t) => t.won === true).length,
    returnPct: new Big(ledger.marked_value).div(bankroll).minus(1),
    maxDrawdownPct: new Big(ledger.max_drawdown_pct),
    halts: Object.values(ledger.halts).reduce((a, b) => a + b, 0),
    fees: new Big(ledger.fees),
    rules,
  };
}

/** The median of a non-empty list of Bigs. */
export function median(xs: readonly Big[]): Big {
  const sorted = [...xs].sort((a, b) => a.cmp(b));
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? new Big(0);
  return sorted.length % 2 === 1 ? hi : (sorted[mid - 1] ?? hi).plus(hi).div(2);
}

const pct = (x: Big): string => `${x.times(100).toFixed(2)}%`;

/** The report as text: one row per seed, then the totals. */
export function formatReport(results: readonly SeedResult[], hours: number): string {
  const ruleHeads = RULES.map((r) => r.replace(/_/g, '-'));
  const head = ['seed', 'trades', 'win rate', 'return', 'max dd (marked)', 'halts', 'fees', ...ruleHeads];
  const rows = results.map((r) => [
    String(r.seed), String(r.trades), r.closed === 0 ? '—' : pct(new Big(r.wins).div(r.closed)), pct(r.returnPct),
    pct(r.maxDrawdownPct), String(r.halts), `$${r.fees.toFixed(2)}`, ...RULES.map((rule) => String(r.rules[rule] ?? 0)),
  ]);
  const closed = results.reduce((a, r) => a + r.closed, 0);
  const wins = results.reduce((a, r) => a + r.wins, 0);
  const returns = results.map((r) => r.returnPct);
  const total = [
    'total', String(results.reduce((a, r) => a + r.trades, 0)), closed === 0 ? '—' : pct(new Big(wins).div(closed)),
    `median ${pct(median(returns))}`, `worst ${pct(results.reduce((m, r) => (r.maxDrawdownPct.gt(m) ? r.maxDrawdownPct : m), new Big(0)))}`,
    String(results.reduce((a, r) => a + r.halts, 0)), `$${results.reduce((a, r) => a.plus(r.fees), new Big(0)).toFixed(2)}`,
    ...RULES.map((rule) => String(results.reduce((a, r) => a + (r.rules[rule] ?? 0), 0))),
  ];
  const table = [head, ...rows, total];
  const widths = head.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ');
  const best = returns.reduce((m, r) => (r.gt(m) ? r : m), returns[0] ?? new Big(0));
  const worst = returns.reduce((m, r) => (r.lt(m) ? r : m), returns[0] ?? new Big(0));
  return [
    `${results.length} seeds × ${hours} simulated hours (rule counts: rejections naming the rule + halts it declared)`,
    line(head), ...rows.map(line), line(total),
    `return: median ${pct(median(returns))}, best ${pct(best)}, worst ${pct(worst)}`,
    '',
  ].join('\n');
}
