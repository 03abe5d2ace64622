import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/agents/guardian';
import { parseSimArgs } from '../../src/agents/simCommand';
import { formatReport, runSeed } from '../../src/agents/simReport';

describe('npm run sim: options', () => {
  it('reads seed ranges and lists, hours and the market options', () => {
    expect(parseSimArgs(['--seeds', '1..50', '--hours', '12'])).toEqual({ seeds: Array.from({ length: 50 }, (_, i) => i + 1), hours: 12, options: {} });
    expect(parseSimArgs(['--seeds=3,7,9', '--kelly-fraction', '0.5', '--polymarket-fee', '0.02', '--bankroll', '1000'])).toEqual({
      seeds: [3, 7, 9], hours: 12, options: { kellyFraction: '0.5', polymarketTakerRate: '0.02', bankroll: '1000' },
    });
  });

  it('names the option that is wrong', () => {
    expect(parseSimArgs(['--seeds', '5..1'])).toEqual({ error: expect.stringContaining('--seeds') as string });
    expect(parseSimArgs(['--hours', '0'])).toEqual({ error: expect.stringContaining('--hours') as string });
    expect(parseSimArgs(['--hours'])).toEqual({ error: '--hours needs a value' });
    expect(parseSimArgs(['--speed', '5'])).toEqual({ error: expect.stringContaining('"--speed"') as string });
  });
});

describe('npm run sim: the report', () => {
  it('prints a row per seed and a total with trades, win rate, return, max drawdown, halts, fees and every rule', () => {
    const results = [runSeed(1, 1), runSeed(2, 1)];
    const text = formatReport(results, 1);
    const lines = text.trim().split('\n');
    expect(lines[1]).toMatch(/seed\s+trades\s+win rate\s+return\s+max dd \(marked\)\s+halts\s+fees/);
    for (const rule of RULES) expect(lines[1]).toContain(rule.replace(/_/g, '-'));
    expect(lines[2]).toMatch(/^\s*1\s+\d+\s/);
    expect(lines[3]).toMatch(/^\s*2\s+\d+\s/);
    expect(lines[4]).toMatch(/^total\s+\d+/);
    expect(lines[5]).toMatch(/^return: median -?\d+\.\d\d%, best -?\d+\.\d\d%, worst -?\d+\.\d\d%$/);
    expect(results[0]?.trades).toBeGreaterThan(0);
  });
});
