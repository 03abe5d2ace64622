import Big from 'big.js';

/** What a missing figure shows as. */
export const DASH = '—';

const MINUS = '−';

/** A decimal string as a `Big`, or `null` when it is absent or not a number. */
export function toBig(d: string | null | undefined): Big | null {
  if (d === null || d === undefined || d === '') return null;
  try {
    return new Big(d);
  } catch {
    return null;
  }
}

/** `1234567.5` → `1,234,567.5`: groups the integer digits of a plain unsigned decimal. */
function group(plain: string): string {
  const dot = plain.indexOf('.');
  const whole = dot < 0 ? plain : plain.slice(0, dot);
  const fraction = dot < 0 ? '' : plain.slice(dot);
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + fraction;
}

/** Rounds half-up to `places` exactly and groups; the sign is returned apart. */
function rounded(b: Big, places: number): { negative: boolean; digits: string } {
  const fixed = b.abs().toFixed(places, Big.roundHalfUp);
  const negative = b.lt(0) && !new Big(fixed).eq(0);
  return { negative, digits: group(fixed) };
}

/** Money from a decimal string, exact: `"-1234.5"` → `−$1,234.50`. */
export function formatMoney(d: string | null | undefined, places = 2): string {
  const b = toBig(d);
  if (b === null) return DASH;
  const { negative, digits } = rounded(b, places);
  return `${negative ? MINUS : ''}$${digits}`;
}

/** Money with an explicit sign, for P&L: `+$12.30`, `−$4.00`, `$0.00`. */
export function formatSignedMoney(d: string | null | undefined, places = 2): string {
  const b = toBig(d);
  if (b === null) return DASH;
  const { negative, digits } = rounded(b, places);
  const zero = new Big(b.abs().toFixed(places, Big.roundHalfUp)).eq(0);
  return `${negative ? MINUS : zero ? '' : '+'}$${digits}`;
}

/** A fraction (0..1) as a percentage: `"0.1234"` → `12.34%`. */
export function formatPercent(fraction: string | null | undefined, places = 2): string {
  const b = toBig(fraction);
  if (b === null) return DASH;
  const { negative, digits } = rounded(b.times(100), places);
  return `${negative ? MINUS : ''}${digits}%`;
}

/** A fraction as a signed percentage, for P&L: `+1.50%`. */
export function formatSignedPercent(fraction: string | null | undefined, places = 2): string {
  const b = toBig(fraction);
  if (b === null) return DASH;
  const text = formatPercent(fraction, places);
  return b.gt(0) && text !== `${new Big(0).toFixed(places)}%` ? `+${text}` : text;
}

/** A price in 0..1, as traded: `"0.62"` → `0.620`. */
export function formatPrice(d: string | null | undefined, places = 3): string {
  const b = toBig(d);
  if (b === null) return DASH;
  const { negative, digits } = rounded(b, places);
  return `${negative ? MINUS : ''}${digits}`;
}

/** A count with thousands separators. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  const text = group(String(Math.trunc(Math.abs(n))));
  return n <= -1 ? MINUS + text : text;
}

/** A rate such as events/s: one decimal below 100, none above. */
export function formatRate(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return n < 100 ? n.toFixed(1) : formatCount(Math.round(n));
}

/** `-1`, `0` or `1`: the sign of a decimal string, for colouring P&L (`0` when absent). */
export function signOf(d: string | null | undefined): -1 | 0 | 1 {
  const b = toBig(d);
  if (b === null) return 0;
  return b.gt(0) ? 1 : b.lt(0) ? -1 : 0;
}

/** A duration in ms as people read it: `850ms`, `4s`, `2m 05s`, `3h 12m`. */
export function formatAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return DASH;
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** An ISO time as `HH:MM:SS` (UTC, as market time is), or the input when it does not parse. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return DASH;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Date(ms).toISOString().slice(11, 19);
}

/** An ISO time as `MM-DD HH:MM:SS` (UTC): simulated market time spans days. */
export function formatShortDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return DASH;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const text = new Date(ms).toISOString();
  return `${text.slice(5, 10)} ${text.slice(11, 19)}`;
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS` UTC, for titles and tooltips. */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return DASH;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A decimal string as a float, for chart y-values only; `null` when absent. */
export function toNumber(d: string | null | undefined): number | null {
  const b = toBig(d);
  return b === null ? null : Number(b.toString());
}

/** Time axis steps in seconds: never finer than a second, so labels never show milliseconds. */
export const TIME_AXIS_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/**
 * A time axis label (UTC) for a tick at `seconds`, by the span the axis shows: `HH:MM:SS` under ten
 * minutes, `HH:MM` under two days, else `MM-DD HH:MM`.
 */
export function formatTimeTick(seconds: number, spanSeconds: number): string {
  const iso = new Date(Math.round(seconds) * 1000).toISOString();
  if (spanSeconds < 600) return iso.slice(11, 19);
  if (spanSeconds < 2 * 86_400) return iso.slice(11, 16);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}
