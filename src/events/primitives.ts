import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

/** `buy` or `sell`. */
export const Side = t.keyof({ buy: null, sell: null }, 'Side');
export type Side = t.TypeOf<typeof Side>;

/** The outcome of a binary market. */
export const Outcome = t.keyof({ YES: null, NO: null }, 'Outcome');
export type Outcome = t.TypeOf<typeof Outcome>;

/** Trading venues. */
export const Venue = t.keyof({ polymarket: null, kalshi: null }, 'Venue');
export type Venue = t.TypeOf<typeof Venue>;

/** Trade and request lifecycle. */
export const TradeStatus = t.keyof(
  {
    pending: null,
    approved: null,
    rejected: null,
    submitted: null,
    filled: null,
    partial: null,
    cancelled: null,
    failed: null,
  },
  'TradeStatus',
);
export type TradeStatus = t.TypeOf<typeof TradeStatus>;

/** Kinds of opportunity the scanner reports. */
export const OpportunityType = t.keyof(
  { oracle_lag: null, cross_platform: null, temporal: null, mispricing: null },
  'OpportunityType',
);
export type OpportunityType = t.TypeOf<typeof OpportunityType>;

/** What an agent reports about itself in a heartbeat. */
export const AgentStatus = t.keyof(
  { starting: null, running: null, halted: null, stopped: null, error: null },
  'AgentStatus',
);
export type AgentStatus = t.TypeOf<typeof AgentStatus>;

interface NonEmptyBrand {
  readonly NonEmptyString: unique symbol;
}
/** A string with at least one character, at most 256. */
export const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyBrand> => s.length > 0 && s.length <= 256,
  'NonEmptyString',
);
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>;

interface MarketIdBrand {
  readonly MarketId: unique symbol;
}
const MARKET_ID_RE = /^(polymarket|kalshi):\S{1,200}$/;
/** `venue:external_id`, e.g. `polymarket:btc-100k`. */
export const MarketId = t.brand(
  t.string,
  (s): s is t.Branded<string, MarketIdBrand> => MARKET_ID_RE.test(s),
  'MarketId',
);
export type MarketId = t.TypeOf<typeof MarketId>;

interface TimestampBrand {
  readonly Timestamp: unique symbol;
}
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Whether the date and time fields name a real moment: `Date.parse` rolls `02-30` and `24:00` over instead of failing. */
function isCalendarValid(s: string): boolean {
  // ISO_RE has matched: the first six numbers are year, month, day, hour, minute, second.
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = (s.match(/\d+/g) ?? []).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

/** An ISO-8601 date-time with a zone (`Z` or `+00:00`). */
export const Timestamp = t.brand(
  t.string,
  (s): s is t.Branded<string, TimestampBrand> => ISO_RE.test(s) && isCalendarValid(s) && !Number.isNaN(Date.parse(s)),
  'Timestamp',
);
export type Timestamp = t.TypeOf<typeof Timestamp>;

/** A count: a non-negative safe integer. */
export const Count = t.brand(
  t.number,
  (n): n is t.Branded<number, { readonly Count: unique symbol }> => Number.isSafeInteger(n) && n >= 0,
  'Count',
);
export type Count = t.TypeOf<typeof Count>;

/** Keys that would collide with `Object.prototype` members when used as record keys. */
export function isUnsafeKey(key: string): boolean {
  return key in Object.prototype || key === 'prototype';
}

/**
 * A `{ key: value }` map whose keys come from data (market ids, strategy names, venues).
 * Every key is optional and checked: a bad key is an error, never silently dropped (io-ts's
 * `t.record` strips such entries, and with a finite key type requires every key).
 * Keys that name `Object.prototype` members (`__proto__`, `constructor`, ...) are rejected,
 * so reducers can index these maps safely.
 */
export function safeRecord<K extends t.Mixed, V extends t.Mixed>(
  key: K,
  value: V,
  name = `{ [K in ${key.name}]?: ${value.name} }`,
): t.Type<Partial<Record<t.TypeOf<K>, t.TypeOf<V>>>, Partial<Record<t.OutputOf<K>, t.OutputOf<V>>>, unknown> {
  type A = Partial<Record<t.TypeOf<K>, t.TypeOf<V>>>;
  const is = (u: unknown): u is A =>
    t.UnknownRecord.is(u) && Object.keys(u).every((k) => !isUnsafeKey(k) && key.is(k) && value.is(u[k]));
  return new t.Type(
    name,
    is,
    (u, c) => {
      if (!t.UnknownRecord.is(u)) return t.failure(u, c);
      const errors: t.ValidationError[] = [];
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(u)) {
        if (isUnsafeKey(k)) return t.failure(k, t.appendContext(c, k, t.never, k), `unsafe key "${k}"`);
        const checkedKey = key.validate(k, t.appendContext(c, k, key, k));
        if (E.isLeft(checkedKey)) {
          errors.push(...checkedKey.left);
          continue;
        }
        const checkedValue = value.validate(u[k], t.appendContext(c, k, value, u[k]));
        if (E.isLeft(checkedValue)) errors.push(...checkedValue.left);
        else out[k] = checkedValue.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as A);
    },
    (a) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(a)) out[k] = value.encode(v);
      return out as Partial<Record<t.OutputOf<K>, t.OutputOf<V>>>;
    },
  );
}
