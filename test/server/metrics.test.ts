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
});
