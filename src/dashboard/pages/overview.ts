import { Cards } from '../cards';
import { BarChart, equityChart } from '../chart';
import { el, signClass } from '../dom';
import { formatCount, formatMoney, formatPercent, formatSignedMoney, formatSignedPercent, signOf, toNumber } from '../format';
import type { Frame, Page } from '../page';
import { readOverview, readStrategies } from '../read';

const money = (v: number): string => `${v < 0 ? '−' : ''}$${Math.abs(v).toFixed(Math.abs(v) >= 100 ? 0 : 2)}`;

/** Overview: capital, value, P&L, trades, win rate; equity curve; P&L and allocation by strategy. */
export function overviewPage(): Page {
  const cards = new Cards(
    [
      { key: 'overview.total_capital', label: 'Total capital' },
      { key: 'overview.current_value', label: 'Current value' },
      { key: 'overview.pnl', label: 'P&L' },
      { key: 'overview.pnl_pct', label: 'P&L %' },
      { key: 'overview.trades', label: 'Trades' },
      { key: 'overview.win_rate', label: 'Win rate' },
      { key: 'overview.open_exposure', label: 'Open exposure' },
    ],
    'Portfolio figures',
  );
  const equity = equityChart();
  const pnl = new BarChart('P&L by strategy', 'pnl-by-strategy', money, true, 'No strategy has reported yet.');
  const allocation = new BarChart(
    'Allocation by strategy',
    'allocation-by-strategy',
    (v) => `${v.toFixed(0)}%`,
    false,
    'No allocation yet.',
  );
  return {
    id: 'overview',
    title: 'Overview',
    watches: ['portfolio.summary', 'strategy.performance', 'agent.updates'],
    minIntervalMs: 50,
    mount(panel) {
      const charts = el('div', 'chart-row');
      charts.append(pnl.box.element, allocation.box.element);
      panel.append(cards.element, equity.element, charts);
    },
    render(frame: Frame) {
      const o = readOverview(frame.states('portfolio.summary'));
      cards.update({
        'overview.total_capital': { text: formatMoney(o.totalCapital) },
        'overview.current_value': { text: formatMoney(o.currentValue) },
        'overview.pnl': { text: formatSignedMoney(o.pnl), className: signClass(signOf(o.pnl)) },
        'overview.pnl_pct': { text: formatSignedPercent(o.pnlPct), className: signClass(signOf(o.pnlPct)) },
        'overview.trades': { text: formatCount(o.tradeCount), sub: `${formatCount(o.wins)} won · ${formatCount(o.losses)} lost` },
        'overview.win_rate': { text: formatPercent(o.winRate, 1) },
        'overview.open_exposure': { text: formatMoney(o.openExposure) },
      });
      const last = o.equity[o.equity.length - 1];
      equity.update({
        data: [o.equity.map((p) => p.t), o.equity.map((p) => p.v)],
        signature: `${o.equity.length}:${o.equity[0]?.t ?? ''}:${last?.t ?? ''}:${last?.v ?? ''}`,
      });
      const rows = readStrategies(frame.states('strategy.performance'), frame.states('agent.updates'));
      const names = rows.map((r) => r.name);
      pnl.update(names, rows.map((r) => toNumber(r.pnl) ?? 0));
      allocation.update(names, rows.map((r) => (toNumber(r.allocationPct) ?? 0) * 100));
    },
  };
}
