import { describe, expect, it } from 'vitest';
import { TIME_AXIS_STEPS, formatTimeTick } from '../../src/dashboard/format';
import { readOverview } from '../../src/dashboard/read';

describe('the equity curve on simulated time', () => {
  it('places a point at its as_of when it has one, else at its publish time', () => {
    const o = readOverview({
      equity_curve: [
        { ts: '2026-11-26T02:47:30.100Z', as_of: '2026-01-01T22:00:00.000Z', value: '500' },
        { ts: '2026-11-26T02:47:30.600Z', as_of: '2026-01-01T23:00:00.000Z', value: '510' },
        { ts: '2026-11-26T02:47:31.000Z', value: '505' },
      ],
    });
    expect(o.equity.map((p) => p.t)).toEqual([Date.parse('2026-01-01T22:00:00Z') / 1000, Date.parse('2026-01-01T23:00:00Z') / 1000, Date.parse('2026-11-26T02:47:31Z') / 1000]);
  });

  it('labels ticks by the span shown, never below a second', () => {
    const at = Date.parse('2026-01-01T22:30:45.500Z') / 1000;
    expect(formatTimeTick(at, 120)).toBe('22:30:46');
    expect(formatTimeTick(at, 3 * 3600)).toBe('22:30');
    expect(formatTimeTick(at, 3 * 86_400)).toBe('01-01 22:30');
    expect(Math.min(...TIME_AXIS_STEPS)).toBe(1);
  });
});
