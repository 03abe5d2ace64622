import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createGuard } from '../../src/server/guard';
import { createMetrics } from '../../src/server/metrics';

const faults = async (metrics: ReturnType<typeof createMetrics>): Promise<number> =>
  (await metrics.handlerFaults.get()).values.reduce((sum, v) => sum + v.value, 0);

describe('handler guard', () => {
  it('given a handler that throws, then the throw is counted, answered, and goes no further', async () => {
    const metrics = createMetrics();
    const guard = createGuard(metrics, pino({ level: 'silent' }));
    const answered: string[] = [];
    const handler = guard.wrap(
      'http /x',
      (input: string): string => {
        if (input === 'bad') throw new URIError('URI malformed');
        return input.toUpperCase();
      },
      (input) => answered.push(`400 for ${input}`),
    );
    expect(handler('ok')).toBe('OK');
    expect(handler('bad')).toBeUndefined();
    expect(answered).toEqual(['400 for bad']);
    expect(await faults(metrics)).toBe(1);
  });

  it('given an answer that itself throws (the socket is gone), then nothing escapes either', async () => {
    const metrics = createMetrics();
    const guard = createGuard(metrics, pino({ level: 'silent' }));
    const handler = guard.wrap(
      'ws message',
      () => {
        throw new Error('bug');
      },
      () => {
        throw new Error('Invalid access of closed uWS.WebSocket');
      },
    );
    expect(() => handler()).not.toThrow();
    expect(await faults(metrics)).toBe(1);
  });
});
