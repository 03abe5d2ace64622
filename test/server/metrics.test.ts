/** The server's metrics: outcomes that have not happened yet still read as a series at 0. */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics';

describe('createMetrics', () => {
  it('given a new registry, then every known outcome of checkpoints, bridged messages and resumes is a series at 0', async () => {
    const text = await createMetrics().registry.metrics();
    const expected = [
      'pmarb_log_checkpoints_total{outcome="written"} 0',
      'pmarb_log_checkpoints_total{outcome="failed"} 0',
      ...['skipped', 'appended', 'duplicate', 'failed'].map((o) => `pmarb_log_bridged_total{outcome="${o}"} 0`),
      'pmarb_resumes_total{outcome="resumed"} 0',
      'pmarb_resumes_total{outcome="snapshot"} 0',
    ];
    expect(text.split('\n')).toEqual(expect.arrayContaining(expected));
  });

  it('given an outcome counted once, then its series reads 1 and the others stay at 0', async () => {
    const metrics = createMetrics();
    metrics.resumes.inc({ outcome: 'resumed' });
    const lines = (await metrics.registry.metrics()).split('\n');
    expect(lines).toContain('pmarb_resumes_total{outcome="resumed"} 1');
    expect(lines).toContain('pmarb_resumes_total{outcome="snapshot"} 0');
  });

  it('given per-event counts tallied between reads, then every read shows all of them once, beside counts made through the counter itself', async () => {
    const metrics = createMetrics();
    const skipped = metrics.bridged.tally('skipped');
    const trades = metrics.eventsIn.tally('trade.results');
    for (let i = 0; i < 5; i++) skipped.inc();
    trades.inc(3);
    metrics.bridged.inc({ outcome: 'skipped' }, 2);
    let lines = (await metrics.registry.metrics()).split('\n');
    expect(lines).toContain('pmarb_log_bridged_total{outcome="skipped"} 7');
    expect(lines).toContain('pmarb_events_in_total{channel="trade.results"} 3');
    lines = (await metrics.registry.metrics()).split('\n');
    expect(lines).toContain('pmarb_log_bridged_total{outcome="skipped"} 7');
    metrics.bridged.tally('skipped').inc();
    skipped.inc();
    lines = (await metrics.registry.metrics()).split('\n');
    expect(lines).toContain('pmarb_log_bridged_total{outcome="skipped"} 9');
    expect(lines).toContain('pmarb_log_bridged_total{outcome="appended"} 0');
  });
});
