import { describe, expect, it } from 'vitest';
import { agentUpdates, MAX_AGENTS } from '../../src/projections';
import { given, legacy, v1 } from './support';

const heartbeat = (agent: string, processed: number, ts = '2026-11-26T02:47:30.123Z') =>
  v1('agent.heartbeat', { role: 'executor', status: 'running', processed, interval_ms: 1000 }, { agent, ts });

describe('agent.updates projection', () => {
  it('records each agent from its heartbeats, with the publish time', () => {
    given(agentUpdates, [heartbeat('paper-executor', 3), heartbeat('paper-executor', 7, '2026-11-26T02:47:31.000Z')]).then({
      agents: {
        'paper-executor': {
          role: 'executor',
          status: 'running',
          last_heartbeat: '2026-11-26T02:47:31.000Z',
          interval_ms: 1000,
          processed: 7,
          detail: null,
        },
      },
      allocator: { total_capital: null, strategies: {} },
    });
  });

  it('keeps a legacy heartbeat without a time as last_heartbeat null', () => {
    const e = legacy('agent.heartbeat', { role: 'scanner', status: 'halted', processed: 1, interval_ms: 500, detail: 'paused' }, 'scanner');
    given(agentUpdates, [e]).thenHas({
      agents: { scanner: { role: 'scanner', status: 'halted', last_heartbeat: null, interval_ms: 500, processed: 1, detail: 'paused' } },
    });
  });

  it('returns the same state for a heartbeat that changes nothing', () => {
    const first = heartbeat('a', 1);
    const s1 = agentUpdates.evolve(agentUpdates.initial, first);
    expect(agentUpdates.evolve(s1, heartbeat('a', 1))).toBe(s1);
  });

  it('renames an agent called like an Object.prototype member', () => {
    const state = agentUpdates.evolve(agentUpdates.initial, heartbeat('__proto__', 1));
    expect(Object.keys(state.agents)).toEqual(['___proto__']);
    expect(Object.getPrototypeOf(state.agents)).toBe(Object.prototype);
  });

  it('holds at most MAX_AGENTS agents, dropping the one silent longest', () => {
    const events = Array.from({ length: MAX_AGENTS + 1 }, (_, i) =>
      heartbeat(`agent-${i}`, i, new Date(Date.UTC(2026, 0, 1, 0, 0, i === 5 ? 0 : 10 + i)).toISOString()),
    );
    const { state } = given(agentUpdates, events);
    expect(Object.keys(state.agents)).toHaveLength(MAX_AGENTS);
    expect(state.agents['agent-5']).toBeUndefined();
    expect(state.agents[`agent-${MAX_AGENTS}`]).toBeDefined();
  });

  it('takes the legacy allocator snapshot as authoritative, in plain notation', () => {
    const snapshot = legacy(
      'allocator.snapshot',
      {
        total_capital: '1E+3',
        strategies: { 'oracle-sniper': { total_pnl: '100.00', trades: 3, wins: 2, losses: 1, allocation_pct: '1.0' } },
      },
      'capital-allocator',
    );
    given(agentUpdates, [v1('allocation.updated', { strategy: 'momentum', allocation_pct: '0.5', total_capital: '900' }), snapshot]).thenHas({
      allocator: {
        total_capital: '1000',
        strategies: {
          'oracle-sniper': { total_pnl: '100', trades: 3, wins: 2, losses: 1, allocation_pct: '1', largest_win: null, largest_loss: null },
        },
      },
    });
  });

  it('moves one strategy on allocation.updated and creates it when new', () => {
    const snapshot = v1('allocator.snapshot', {
      total_capital: '1000',
      strategies: { a: { total_pnl: '5', trades: 1, wins: 1, losses: 0, allocation_pct: '0.6', largest_win: '5' } },
    });
    const { state } = given(agentUpdates, [
      snapshot,
      v1('allocation.updated', { strategy: 'a', allocation_pct: '0.40', total_capital: '1100' }),
      v1('allocation.updated', { strategy: 'b', allocation_pct: '0.6', total_capital: '1100' }),
    ]);
    expect(state.allocator.total_capital).toBe('1100');
    expect(state.allocator.strategies).toEqual({
      a: { total_pnl: '5', trades: 1, wins: 1, losses: 0, allocation_pct: '0.4', largest_win: '5', largest_loss: null },
      b: { total_pnl: '0', trades: 0, wins: 0, losses: 0, allocation_pct: '0.6', largest_win: null, largest_loss: null },
    });
  });
});
