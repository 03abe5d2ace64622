import Big from 'big.js';
import type { Outcome } from '../events';
import { ONE } from './money';

/** Prices move on a 1¢ tick. */
export const TICK = new Big('0.01');
const TICKS = 100;
const MIN_TICKS = 1;
const MAX_TICKS = 99;

/** A venue's YES book at the touch: best bid and ask (on the tick) and the contracts offered there. */
export interface Book {
  readonly bid: Big;
  readonly ask: Big;
  /** Contracts left at the bid and at the ask this tick; fills use them up. */
  bidSize: number;
  askSize: number;
}

/**
 * Bid and ask around a probability estimate: bid = ⌊(p − h)/tick⌋, ask = ⌈(p + h)/tick⌉ ticks, kept
 * within 1¢..99¢ and at least one tick apart. Floats in, exact cents out.
 */
export function quoteAround(estimate: number, halfSpread: number, bidSize: number, askSize: number): Book {
  let bidTicks = Math.floor((estimate - halfSpread) * TICKS + 1e-9);
  let askTicks = Math.ceil((estimate + halfSpread) * TICKS - 1e-9);
  bidTicks = Math.min(Math.max(bidTicks, MIN_TICKS), MAX_TICKS - 1);
  askTicks = Math.min(Math.max(askTicks, bidTicks + 1), MAX_TICKS);
  return { bid: TICK.times(bidTicks), ask: TICK.times(askTicks), bidSize, askSize };
}

/** The price to buy an outcome now: YES at the ask, NO at 1 − the YES bid. */
export function askOf(book: Book, outcome: Outcome): Big {
  return outcome === 'YES' ? book.ask : ONE.minus(book.bid);
}

/** The price an outcome sells for now: YES at the bid, NO at 1 − the YES ask. */
export function bidOf(book: Book, outcome: Outcome): Big {
  return outcome === 'YES' ? book.bid : ONE.minus(book.ask);
}

/** Contracts offered at the outcome's ask: a NO buyer lifts what the YES bid holds. */
export function askSizeOf(book: Book, outcome: Outcome): number {
  return outcome === 'YES' ? book.askSize : book.bidSize;
}

/** Contracts wanted at the outcome's bid. */
export function bidSizeOf(book: Book, outcome: Outcome): number {
  return outcome === 'YES' ? book.bidSize : book.askSize;
}

/** Takes `contracts` from the outcome's ask side. */
export function takeAsk(book: Book, outcome: Outcome, contracts: number): void {
  if (outcome === 'YES') book.askSize -= contracts;
  else book.bidSize -= contracts;
}

/** Takes `contracts` from the outcome's bid side. */
export function takeBid(book: Book, outcome: Outcome, contracts: number): void {
  if (outcome === 'YES') book.bidSize -= contracts;
  else book.askSize -= contracts;
}
