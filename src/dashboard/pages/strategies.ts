import { signClass } from '../dom';
import { formatCount, formatPercent, formatSignedMoney, signOf } from '../format';
import { KeyedTable } from '../keyedTable';
import type { StrategyRow } from '../model';
import type { Frame, Page } from '../page';
import { readStrategies } from '../read';

/** Strategies: P&L, trades, wins, losses, win rate, largest win/loss, allocation, per strategy. */
export function strategiesPage(): Page {
  const table = new KeyedTable<StrategyRow>(
    [
      { header: 'Strategy', text: (r) => r.name },
      { header: 'P&L', text: (r) => formatSignedMoney(r.pnl), className: (r) => signClass(signOf(r.pnl)), numeric: true },
      { header: 'Trades', text: (r) => formatCount(r.trades), numeric: true },
      { header: 'Wins', text: (r) => formatCount(r.wins), numeric: true, minor: true },
      { header: 'Losses', text: (r) => formatCount(r.losses), numeric: true, minor: true },
      { header: 'Win rate', text: (r) => formatPercent(r.winRate, 1), numeric: true },
      { header: 'Largest win', text: (r) => formatSignedMoney(r.largestWin), className: (r) => signClass(signOf(r.largestWin)), numeric: true, minor: true },
      { header: 'Largest loss', text: (r) => formatSignedMoney(r.largestLoss), className: (r) => signClass(signOf(r.largestLoss)), numeric: true, minor: true },
      { header: 'Allocation', text: (r) => formatPercent(r.allocationPct, 1), numeric: true },
      { header: 'Requests', text: (r) => formatCount(r.requests), numeric: true, minor: true },
      { header: 'Approved', text: (r) => formatCount(r.approvals), numeric: true, minor: true },
      { header: 'Rejected', text: (r) => formatCount(r.rejections), numeric: true, minor: true },
    ],
    { key: (r) => r.name },
    'Strategies',
    'No strategy has reported yet.',
  );
  return {
    id: 'strategies',
    title: 'Strategies',
    watches: ['strategy.performance', 'agent.updates'],
    minIntervalMs: 100,
    mount(panel) {
      table.element.dataset.table = 'strategies';
      panel.append(scroller(table.element));
    },
    render(frame: Frame) {
      table.update(readStrategies(frame.states('strategy.performance'), frame.states('agent.updates')));
    },
  };
}

/** Wraps a wide table so that it scrolls sideways on a phone rather than the page. */
export function scroller(table: HTMLElement): HTMLElement {
  const div = document.createElement('div');
  div.className = 'table-scroll';
  div.tabIndex = 0; // a scrollable region must be reachable by keyboard
  div.setAttribute('role', 'region');
  div.setAttribute('aria-label', table.querySelector('caption')?.textContent ?? 'table');
  div.append(table);
  return div;
}
