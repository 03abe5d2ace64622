import type { Event } from '../events';

/**
 * The time an event stands for: its publish time, else a time its data carries
 * (`settled_at`, `executed_at`), else `null`. Deterministic: no clock is read.
 */
export function eventTime(event: Event): string | null {
  if (event.meta.ts !== null) return event.meta.ts;
  switch (event.type) {
    case 'trade.settled':
      return event.data.settled_at;
    case 'trade.executed':
      return event.data.executed_at;
    default:
      return null;
  }
}
