import { describe, expect, it } from 'vitest';
import { sumCounter } from '../../bench/lib/targets';

describe('sumCounter', () => {
  const text = [
    '# HELP pmarb_events_in_total Messages received from Redis',
    '# TYPE pmarb_events_in_total counter',
    'pmarb_events_in_total{channel="trade.results"} 1200',
    'pmarb_events_in_total{channel="risk.state"} 34',
    'pmarb_events_in_total_extra 5',
    'pmarb_events_rejected_total 0',
  ].join('\n');

  it('adds every label set of the named counter and nothing with a longer name', () => {
    expect(sumCounter(text, 'pmarb_events_in_total')).toBe(1234);
    expect(sumCounter(text, 'pmarb_events_rejected_total')).toBe(0);
  });

  it('says when the counter is absent', () => {
    expect(sumCounter(text, 'pmarb_events_lost_total')).toBeUndefined();
  });
});
