import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Rejected } from '../../src/events';
import { RejectionLog } from '../../src/server/rejections';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, logger };
}

const rejected = (reason: Rejected['reason'], sample: string): Rejected => ({ channel: 'risk.state', reason, message: `bad: ${sample}`, sample, bytes: sample.length });

describe('rejection log', () => {
  it('logs the first of each reason with a sample, then one count line per reason per flush', () => {
    const { lines, logger } = capture();
    const log = new RejectionLog(10, logger);
    const at = new Date('2026-01-01T00:00:00Z');
    for (const sample of ['a', 'b', 'c']) log.record(rejected('not_json', sample), at);
    log.record(rejected('bad_data', 'd'), at);
    expect(lines.map((l) => [l.reason, l.sample])).toEqual([
      ['not_json', 'a'],
      ['bad_data', 'd'],
    ]);
    log.flush();
    expect(lines.slice(2).map((l) => [l.reason, l.count, l.total])).toEqual([['not_json', 2, 3]]);
    log.flush();
    expect(lines).toHaveLength(3);
  });

  it('keeps a bounded dead-letter list, newest first', () => {
    const log = new RejectionLog(2, capture().logger);
    for (const sample of ['1', '2', '3']) log.record(rejected('not_json', sample), new Date(0));
    expect(log.list().map((d) => d.sample)).toEqual(['3', '2']);
    expect(log.totals.get('not_json')).toBe(3);
  });
});
