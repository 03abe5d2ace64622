import { Cards } from '../cards';
import { el, signClass } from '../dom';
import { formatCount, formatMoney, formatPercent, formatSignedMoney, signOf } from '../format';
import { KeyedTable } from '../keyedTable';
import type { AmountRow, CountRow } from '../model';
import type { Frame, Page } from '../page';
import { readRisk } from '../read';
import { scroller } from './strategies';

function amountTable(name: string, caption: string, keyHeader: string, emptyText: string): KeyedTable<AmountRow> {
  const table = new KeyedTable<AmountRow>(
    [
      { header: keyHeader, text: (r) => r.key, wrap: true },
      { header: 'Exposure', text: (r) => formatMoney(r.amount), numeric: true },
    ],
    { key: (r) => r.key },
    caption,
    emptyText,
  );
  table.element.dataset.table = name;
  return table;
}

/** A titled block holding one table. */
export function section(title: string, content: HTMLElement): HTMLElement {
  const block = el('section', 'block');
  block.append(el('h2', 'block-title', title), content);
  return block;
}

/** Risk: value, high-water mark, drawdown, daily P&L, exposure per market and venue, decisions by rule. */
export function riskPage(): Page {
  const cards = new Cards(
    [
      { key: 'risk.current_value', label: 'Current value' },
      { key: 'risk.high_water_mark', label: 'High-water mark' },
      { key: 'risk.drawdown', label: 'Drawdown' },
      { key: 'risk.drawdown_pct', label: 'Drawdown %' },
      { key: 'risk.daily_pnl', label: 'Daily P&L' },
      { key: 'risk.bankroll', label: 'Bankroll' },
      { key: 'risk.marked_value', label: 'Marked value' },
      { key: 'risk.unrealised_pnl', label: 'Unrealised P&L' },
      { key: 'risk.marked_drawdown_pct', label: 'Marked drawdown %' },
      { key: 'risk.approved', label: 'Approved' },
      { key: 'risk.rejected', label: 'Rejected' },
    ],
    'Risk figures',
  );
  const markets = amountTable('exposure-by-market', 'Exposure per market', 'Market', 'No open exposure.');
  const venues = amountTable('exposure-by-venue', 'Exposure per venue', 'Venue', 'No open exposure.');
  const rules = new KeyedTable<CountRow>(
    [
      { header: 'Rule', text: (r) => r.key },
      { header: 'Rejections', text: (r) => formatCount(r.count), numeric: true },
    ],
    { key: (r) => r.key },
    'Rejections by rule',
    'No rejection yet.',
  );
  rules.element.dataset.table = 'rejections-by-rule';
  return {
    id: 'risk',
    title: 'Risk',
    watches: ['risk.state'],
    minIntervalMs: 100,
    mount(panel) {
      const grid = el('div', 'block-row');
      grid.append(
        section('Exposure per market', scroller(markets.element)),
        section('Exposure per venue', scroller(venues.element)),
        section('Rejections by rule', scroller(rules.element)),
      );
      panel.append(cards.element, grid);
    },
    render(frame: Frame) {
      const r = readRisk(frame.states('risk.state'));
      cards.update({
        'risk.current_value': { text: formatMoney(r.currentValue) },
        'risk.high_water_mark': { text: formatMoney(r.highWaterMark) },
        'risk.drawdown': { text: formatMoney(r.drawdown), className: signClass(signOf(r.drawdown) > 0 ? -1 : 0) },
        'risk.drawdown_pct': { text: formatPercent(r.drawdownPct), className: signClass(signOf(r.drawdownPct) > 0 ? -1 : 0) },
        'risk.daily_pnl': { text: formatSignedMoney(r.dailyPnl), className: signClass(signOf(r.dailyPnl)) },
        'risk.bankroll': { text: formatMoney(r.bankroll) },
        'risk.marked_value': { text: formatMoney(r.markedValue) },
        'risk.unrealised_pnl': { text: formatSignedMoney(r.unrealisedPnl), className: signClass(signOf(r.unrealisedPnl)) },
        'risk.marked_drawdown_pct': { text: formatPercent(r.markedDrawdownPct), className: signClass(signOf(r.markedDrawdownPct) > 0 ? -1 : 0) },
        'risk.approved': { text: formatCount(r.approved) },
        'risk.rejected': { text: formatCount(r.rejected) },
      });
      markets.update(r.exposureByMarket);
      venues.update(r.exposureByVenue);
      rules.update(r.rejectionsByRule);
    },
  };
}
