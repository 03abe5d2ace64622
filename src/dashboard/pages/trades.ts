import { el, setText, signClass } from '../dom';
import { DASH, formatCount, formatDateTime, formatMoney, formatPrice, formatShortDateTime, formatSignedMoney, signOf } from '../format';
import { KeyedTable } from '../keyedTable';
import type { TradeRow } from '../model';
import type { Frame, Page } from '../page';
import { readTrades } from '../read';
import { scroller } from './strategies';

function result(r: TradeRow): string {
  if (r.pnl === null) return r.won === null ? 'open' : DASH;
  return formatSignedMoney(r.pnl);
}

/** Trades, newest first: time, market, side, outcome, amount, price, fees, status, P&L. */
export function tradesPage(): Page {
  const summary = el('p', 'summary');
  summary.dataset.figure = 'trades.summary';
  const table = new KeyedTable<TradeRow>(
    [
      { header: 'Time (UTC)', text: (r) => formatShortDateTime(r.executedAt) },
      { header: 'Strategy', text: (r) => r.strategy ?? DASH, minor: true },
      { header: 'Market', text: (r) => r.market, wrap: true },
      { header: 'Side', text: (r) => r.side, minor: true },
      { header: 'Outcome', text: (r) => r.outcome },
      { header: 'Amount', text: (r) => formatMoney(r.amount), numeric: true },
      { header: 'Price', text: (r) => formatPrice(r.price), numeric: true },
      { header: 'Fees', text: (r) => formatMoney(r.fees, 3), numeric: true, minor: true },
      { header: 'Status', text: (r) => r.status, className: (r) => `status-${r.status}` },
      { header: 'P&L', text: result, className: (r) => signClass(signOf(r.pnl)), numeric: true },
    ],
    { key: (r) => r.id },
    'Recent trades, newest first',
    'No trade yet.',
  );
  return {
    id: 'trades',
    title: 'Trades',
    watches: ['trade.results'],
    minIntervalMs: 100,
    mount(panel) {
      table.element.dataset.table = 'trades';
      panel.append(summary, scroller(table.element));
    },
    render(frame: Frame) {
      const { count, trades } = readTrades(frame.states('trade.results'));
      const newest = trades[0];
      setText(
        summary,
        trades.length === 0
          ? 'No trade yet.'
          : `${formatCount(count)} trades in all; the latest ${formatCount(trades.length)} below, newest ${formatDateTime(newest?.executedAt)}.`,
      );
      table.update(trades);
    },
  };
}
