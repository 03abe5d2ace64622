import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGuard } from '../../src/server/guard';
import { createMetrics } from '../../src/server/metrics';
import { createSnapshotPacer, type PacedSocket } from '../../src/server/snapshotPacer';

describe('snapshot pacing', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 10_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const setup = () => {
    const sent: [string, number][] = [];
    const pacer = createSnapshotPacer<'ws', PacedSocket>({
      channels: ['risk.state', 'system'],
      intervalMs: 1000,
      send: (_ws, _data, channel) => sent.push([channel, Date.now()]),
      guard: createGuard(createMetrics(), pino({ level: 'silent' })),
    });
    const data: PacedSocket = { pacing: undefined, channels: new Set(['risk.state', 'system']), closed: false };
    return { sent, pacer, data };
  };

  it('given a snapshot just sent, then five more asks within the second get ONE snapshot at its end', () => {
    const { sent, pacer, data } = setup();
    expect(pacer.take('ws', data, 'risk.state')).toBe(true);
    vi.advanceTimersByTime(300);
    for (let i = 0; i < 5; i += 1) expect(pacer.take('ws', data, 'risk.state')).toBe(false);
    expect(pacer.take('ws', data, 'system')).toBe(true);
    vi.advanceTimersByTime(2_000);
    expect(sent).toEqual([['risk.state', 11_000]]);
    vi.advanceTimersByTime(1_000);
    expect(pacer.take('ws', data, 'risk.state')).toBe(true);
  });

  it('given the socket closed or left the channel, then the put-off snapshot is not sent', () => {
    const { sent, pacer, data } = setup();
    pacer.take('ws', data, 'risk.state');
    pacer.take('ws', data, 'risk.state');
    pacer.take('ws', data, 'system');
    pacer.take('ws', data, 'system');
    pacer.forget(data, 'system');
    data.closed = true;
    vi.advanceTimersByTime(2_000);
    expect(sent).toEqual([]);
  });

  it('keeps nothing for a socket that never had a snapshot', () => {
    const { data } = setup();
    expect(data.pacing).toBeUndefined();
  });
});
