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

/** The brand of `NonEmptyString` (exported so that declaration files can name it). */
export interface NonEmptyBrand {
  readonly NonEmptyString: unique symbol;
}
/** A string with at least one character, at most 256. */
export const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyBrand> => s.length > 0 && s.length <= 256,
  'NonEmptyString',
);
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>;

/** The brand of `MarketId`. */
export interface MarketIdBrand {
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

/** The brand of `Timestamp`. */
export interface TimestampBrand {
  readonly Timestamp: unique symbol;
}
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two-digit number at `at` (the grammar has already checked that both are digits). */
function twoDigits(s: string, at: number): number {
  return (s.charCodeAt(at) - 48) * 10 + (s.charCodeAt(at + 1) - 48);
}

/**
 * Whether `s` is an ISO-8601 date-time with a zone naming a real moment (no `02-30`, no `24:00`,
 * which `Date.parse` would roll over). Fields are read by position: this runs for every event.
 */
export function isTimestamp(s: string): boolean {
  if (!ISO_RE.test(s)) return false;
  const year = twoDigits(s, 0) * 100 + twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > days || twoDigits(s, 11) > 23 || twoDigits(s, 14) > 59 || twoDigits(s, 17) > 59) return false;
  // A zone other than Z is the last six characters, `+hh:mm`.
  return s.endsWith('Z') || (twoDigits(s, s.length - 5) <= 23 && twoDigits(s, s.length - 2) <= 59);
}

/** An ISO-8601 date-time with a zone (`Z` or `+00:00`). */
export const Timestamp = t.brand(t.string, (s): s is t.Branded<string, TimestampBrand> => isTimestamp(s), 'Timestamp');
export type Timestamp = t.TypeOf<typeof Timestamp>;

/** The brand of `Count`. */
export interface CountBrand {
  readonly Count: unique symbol;
}
/** A count: a non-negative safe integer. */
export const Count = t.brand(
  t.number,
  (n): n is t.Branded<number, CountBrand> => Number.isSafeInteger(n) && n >= 0,
  'Count',
);
export type Count = t.TypeOf<typeof Count>;

/** Keys that would collide with `Object.prototype` members when used as record keys. */
export function isUnsafeKey(key: string): boolean {
  return key in Object.prototype || key === 'prototype';
}

/**
 * The codec `safeRecord` builds. A class of its own, with its key and value codecs in view, so
 * that `compileGuard` (guard.ts) can recognise it as it recognises io-ts's own kinds.
 */
export class SafeRecordType<K extends t.Mixed, V extends t.Mixed> extends t.Type<
  Partial<Record<t.TypeOf<K>, t.TypeOf<V>>>,
  Partial<Record<t.OutputOf<K>, t.OutputOf<V>>>,
  unknown
> {
  readonly _tag = 'SafeRecordType' as const;

  constructor(
    name: string,
    readonly key: K,
    readonly value: V,
  ) {
    type A = Partial<Record<t.TypeOf<K>, t.TypeOf<V>>>;
    super(
      name,
      (u): u is A => t.UnknownRecord.is(u) && Object.keys(u).every((k) => !isUnsafeKey(k) && key.is(k) && value.is(u[k])),
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
): SafeRecordType<K, V> {
  return new SafeRecordType(name, key, value);
}
