import { describe, expect, it } from 'vitest';
import { agentUpdates, MAX_AGENTS, MAX_STRATEGIES } from '../../src/projections';
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

describe('agent.updates: what counts as a change', () => {
  const base = { role: 'executor', status: 'running', processed: 1, interval_ms: 1000, detail: 'ok' };
  const beat = (data: Record<string, unknown>, ts = '2026-11-26T02:47:30.123Z') => v1('agent.heartbeat', { ...base, ...data }, { agent: 'a', ts });

  it.each([
    ['role', { role: 'scanner' }],
    ['status', { status: 'halted' }],
    ['processed', { processed: 2 }],
    ['interval_ms', { interval_ms: 500 }],
    ['detail', { detail: 'busy' }],
  ])('given an agent, when a heartbeat differs only in %s, then the entry is replaced', (_field, change) => {
    const s1 = agentUpdates.evolve(agentUpdates.initial, beat({}));
    const s2 = agentUpdates.evolve(s1, beat(change));
    expect(s2.agents.a).toEqual({ ...base, ...change, last_heartbeat: '2026-11-26T02:47:30.123Z' });
  });

  it('given an agent, when a heartbeat differs only in its time, then last_heartbeat moves', () => {
    const s1 = agentUpdates.evolve(agentUpdates.initial, beat({}));
    expect(agentUpdates.evolve(s1, beat({}, '2026-11-26T02:47:31.000Z')).agents.a?.last_heartbeat).toBe('2026-11-26T02:47:31.000Z');
  });

  it('given a heartbeat without detail, then detail is null', () => {
    const { detail: _omitted, ...withoutDetail } = base;
    const e = v1('agent.heartbeat', withoutDetail, { agent: 'b' });
    expect(agentUpdates.evolve(agentUpdates.initial, e).agents.b?.detail).toBeNull();
  });

  it('given MAX_AGENTS agents, one of them never dated, when a new one beats, then the undated one makes room', () => {
    const dated = Array.from({ length: MAX_AGENTS - 1 }, (_, i) =>
      heartbeat(`agent-${i}`, i, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()),
    );
    const undated = legacy('agent.heartbeat', { role: 'r', status: 'running', processed: 0, interval_ms: 1 }, 'undated');
    const { state } = given(agentUpdates, [...dated.slice(0, 1), undated, ...dated.slice(1), heartbeat('newcomer', 1, '2026-01-02T00:00:00Z')]);
    expect(Object.keys(state.agents)).toHaveLength(MAX_AGENTS);
    expect(state.agents.undated).toBeUndefined();
    expect(state.agents['agent-0']?.processed).toBe(0);
    expect(state.agents.newcomer?.processed).toBe(1);
  });

  it('given MAX_AGENTS dated agents, when a new one beats, then exactly the one silent longest goes, whatever its position', () => {
    const events = Array.from({ length: MAX_AGENTS }, (_, i) =>
      heartbeat(`agent-${i}`, i, new Date(Date.UTC(2026, 0, 1, 0, 0, i === 40 ? 0 : 1 + i)).toISOString()),
    );
    const { state } = given(agentUpdates, [...events, heartbeat('newcomer', 1, '2026-01-02T00:00:00Z')]);
    expect(Object.keys(state.agents).filter((k) => !(k in given(agentUpdates, events).state.agents))).toEqual(['newcomer']);
    expect(state.agents['agent-40']).toBeUndefined();
    expect(Object.keys(state.agents)).toHaveLength(MAX_AGENTS);
  });

  it('given MAX_AGENTS agents silent equally long, when a new one beats, then the first of them (in key order) goes', () => {
    const ts = '2026-01-01T00:00:00Z';
    const events = Array.from({ length: MAX_AGENTS }, (_, i) => heartbeat(`agent-${i}`, i, ts));
    const { state } = given(agentUpdates, [...events, heartbeat('newcomer', 1, '2026-01-02T00:00:00Z')]);
    expect(Object.keys(state.agents)).toEqual([...Array.from({ length: MAX_AGENTS - 1 }, (_, i) => `agent-${i + 1}`), 'newcomer']);
  });

  it('given MAX_AGENTS agents, when one of them beats again with news, then it is updated and no agent goes', () => {
    const events = Array.from({ length: MAX_AGENTS }, (_, i) =>
      heartbeat(`agent-${i}`, i, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()),
    );
    const { state } = given(agentUpdates, [...events, heartbeat('agent-7', 100, '2026-01-02T00:00:00Z')]);
    expect(Object.keys(state.agents)).toEqual(Array.from({ length: MAX_AGENTS }, (_, i) => `agent-${i}`));
    expect(state.agents['agent-7']).toEqual({
      role: 'executor',
      status: 'running',
      last_heartbeat: '2026-01-02T00:00:00Z',
      interval_ms: 1000,
      processed: 100,
      detail: null,
    });
  });
});

describe('agent.updates: the allocator', () => {
  const figures = (pnl: string) => ({ total_pnl: pnl, trades: 1, wins: 1, losses: 0, allocation_pct: '0.5' });
  const snapshot = (strategies: Record<string, unknown>, total = '1000') => legacy('allocator.snapshot', { total_capital: total, strategies }, 'capital-allocator');

  it('given the same snapshot again, then the state is left as it was (its channel not touched); a change of any figure or of the strategies listed is taken', () => {
    const s1 = agentUpdates.evolve(agentUpdates.initial, snapshot({ a: figures('1'), b: figures('2') }));
    expect(agentUpdates.evolve(s1, snapshot({ b: figures('2'), a: figures('1') }))).toBe(s1);
    expect(agentUpdates.evolve(s1, snapshot({ a: figures('1'), b: figures('2') }, '999')).allocator.total_capital).toBe('999');
    expect(Object.keys(agentUpdates.evolve(s1, snapshot({ a: figures('1') })).allocator.strategies)).toEqual(['a']);
    expect(Object.keys(agentUpdates.evolve(s1, snapshot({ a: figures('1'), b: figures('2'), c: figures('3') })).allocator.strategies)).toEqual(['a', 'b', 'c']);
  });

  it('given a snapshot repeating a strategy unchanged, then that strategy keeps its identity', () => {
    const s1 = agentUpdates.evolve(agentUpdates.initial, snapshot({ a: figures('1'), b: figures('2') }));
    const s2 = agentUpdates.evolve(s1, snapshot({ a: figures('1'), b: figures('3') }));
    expect(s2.allocator.strategies.a).toBe(s1.allocator.strategies.a);
    expect(s2.allocator.strategies.b).toEqual({ ...figures('3'), allocation_pct: '0.5', largest_win: null, largest_loss: null });
  });

  it.each([
    ['allocation_pct', { allocation_pct: '0.6' }],
    ['total_pnl', { total_pnl: '2' }],
    ['trades', { trades: 2 }],
    ['wins', { wins: 2 }],
    ['losses', { losses: 1 }],
    ['largest_win', { largest_win: '5' }],
    ['largest_loss', { largest_loss: '-5' }],
  ])('given a held strategy, when the snapshot changes only %s, then the new figures are taken', (_field, change) => {
    const s1 = agentUpdates.evolve(agentUpdates.initial, snapshot({ a: figures('1') }));
    const s2 = agentUpdates.evolve(s1, snapshot({ a: { ...figures('1'), ...change } }));
    expect(s2.allocator.strategies.a).toEqual({ largest_win: null, largest_loss: null, ...figures('1'), ...change });
  });

  it('given a snapshot with more than MAX_STRATEGIES strategies, then the first MAX_STRATEGIES are held', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_STRATEGIES + 3 }, (_, i) => [`s${i}`, figures('1')]));
    const { strategies } = agentUpdates.evolve(agentUpdates.initial, snapshot(many)).allocator;
    expect(Object.keys(strategies)).toEqual(Array.from({ length: MAX_STRATEGIES }, (_, i) => `s${i}`));
  });

  it('given a snapshot map with an entry its type allows to be absent, then that entry is skipped and not counted against MAX_STRATEGIES', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_STRATEGIES }, (_, i) => [`s${i}`, figures('1')]));
    const decoded = snapshot(many);
    const withAbsent = { ...decoded, data: { ...decoded.data, strategies: { absent: undefined, ...decoded.data.strategies } } };
    const { strategies } = agentUpdates.evolve(agentUpdates.initial, withAbsent).allocator;
    expect(Object.keys(strategies)).toEqual(Array.from({ length: MAX_STRATEGIES }, (_, i) => `s${i}`));
  });

  it('given MAX_STRATEGIES strategies held, when allocation.updated names a new one, then only the capital moves', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_STRATEGIES }, (_, i) => [`s${i}`, figures('1')]));
    const s1 = agentUpdates.evolve(agentUpdates.initial, snapshot(many));
    const s2 = agentUpdates.evolve(s1, v1('allocation.updated', { strategy: 'late', allocation_pct: '0.1', total_capital: '1200' }));
    expect(s2.allocator.strategies).toBe(s1.allocator.strategies);
    expect(s2.allocator.total_capital).toBe('1200');
  });

  it('given allocation.updated repeating what is held, then the state is the same object; a new capital alone changes it', () => {
    const s1 = agentUpdates.evolve(agentUpdates.initial, v1('allocation.updated', { strategy: 'a', allocation_pct: '0.5', total_capital: '900' }));
    expect(agentUpdates.evolve(s1, v1('allocation.updated', { strategy: 'a', allocation_pct: '0.50', total_capital: '900.0' }))).toBe(s1);
    const s2 = agentUpdates.evolve(s1, v1('allocation.updated', { strategy: 'a', allocation_pct: '0.5', total_capital: '950' }));
    expect(s2.allocator).toEqual({ total_capital: '950', strategies: s1.allocator.strategies });
    expect(s2.allocator.strategies).toBe(s1.allocator.strategies);
  });

  it('given a strategy named like an Object.prototype member, then allocation.updated keeps it under a safe key', () => {
    const s = agentUpdates.evolve(agentUpdates.initial, v1('allocation.updated', { strategy: 'constructor', allocation_pct: '0.5', total_capital: '900' }));
    expect(Object.keys(s.allocator.strategies)).toEqual(['_constructor']);
  });
});
