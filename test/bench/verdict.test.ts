import { describe, expect, it } from 'vitest';
import type { CpuFigures } from '../../bench/lib/scenario';
import { stopReason } from '../../bench/lib/suite';
import { summariseTicks } from '../../bench/lib/ticks';
import { boundOf, failuresOf, passes } from '../../bench/lib/verdict';
import { loadResult as run } from './loadResult';

const latency = (p99: number) => ({ latency: { count: 1_000, p50: 1, p99, p999: p99, max: p99, mean: 1 } });
const idle: CpuFigures = { server: 0.1, clients: 0.2, clientsMax: 0.1, publisher: 0.1, redis: 0.05, kernelIrq: 0.05, other: 0 };

describe('passes', () => {
  it('needs p99 under 250 ms, nothing lost, the publisher on schedule, every client kept and every full client converged', () => {
    expect(passes(run('ours', 100))).toBe(true);
    expect(passes(run('ours', 100, latency(250)))).toBe(false);
    expect(passes(run('ours', 100, { lost: 1 }))).toBe(false);
    expect(passes(run('ours', 100, { publishedPerS: 90 }))).toBe(false);
    expect(passes(run('ours', 100, { closedDuringRun: 1 }))).toBe(false);
    expect(passes(run('ours', 100, { latency: { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 } }))).toBe(false);
    expect(passes(run('ours', 100, { convergence: { fullClients: 5, equal: 4, mismatches: [] } }))).toBe(false);
    expect(passes(run('ours', 100, { convergence: { fullClients: 5, equal: 5, mismatches: [] } }))).toBe(true);
  });

  it('names every criterion a run missed', () => {
    expect(failuresOf(run('ours', 1_000, { ...latency(400), lost: 3, publishedPerS: 500 }))).toEqual(['p99 400 ms', '3 not ingested', 'published 50 % of target']);
  });
});

describe('boundOf', () => {
  it('given a publisher under 95 % of the target, then it is the bound, with any saturated resource after it', () => {
    expect(boundOf(run('ours', 100_000, { publishedPerS: 80_000, cpu: { ...idle, redis: 0.95 } }))).toBe('publisher short of target (80,000/s); Redis CPU (0.95 cores)');
    expect(boundOf(run('ours', 100_000, { publishedPerS: 80_000, cpu: idle }))).toBe('publisher short of target (80,000/s)');
  });

  it('given events not ingested or ingest more than the budget behind at the end, then ingest is the bound', () => {
    expect(boundOf(run('ours', 1_000, { lost: 5, cpu: { ...idle, server: 0.95 } }))).toBe('events not ingested (5); server CPU (0.95 cores)');
    expect(boundOf(run('ours', 10_000, { cpu: idle, ingestLag: { atPublishEnd: 5_000, drainMs: 600 } }))).toBe('ingest behind the log (0.5 s at the end)');
    expect(boundOf(run('ours', 10_000, { cpu: idle, ingestLag: { atPublishEnd: 2_000, drainMs: 300 } }))).toBe('not saturated (publisher schedule)');
  });

  it('names the server first among saturated resources, then a client process, the publisher, Redis', () => {
    expect(boundOf(run('ours', 100, { cpu: { ...idle, server: 0.95, clientsMax: 0.95, clients: 1.9 } }))).toBe('server CPU (0.95 cores)');
    expect(boundOf(run('ours', 100, { cpu: { ...idle, clientsMax: 0.92 } }))).toBe('client CPU (busiest process 0.92 cores)');
    expect(boundOf(run('ours', 100, { cpu: { ...idle, publisher: 0.93, redis: 0.95 } }))).toBe('publisher CPU (0.93 cores in one process)');
    expect(boundOf(run('ours', 100, { cpu: { ...idle, publisher: 1.2, publisherMax: 0.6 } }))).toBe('not saturated (publisher schedule)');
    expect(boundOf(run('ours', 100, { cpu: { ...idle, redis: 0.95 } }))).toBe('Redis CPU (0.95 cores)');
  });

  it('tells other programs from the kernel network stack when the machine is full', () => {
    expect(boundOf(run('ours', 100, { cpu: { ...idle, other: 1.5 } }))).toBe('machine CPU (other programs on the machine)');
    expect(boundOf(run('ours', 100, { cpu: { ...idle, kernelIrq: 1.5 } }))).toBe('machine CPU (kernel loopback network)');
  });

  it('given p99 over budget and nothing saturated, then it tells a tick at its maximum from one below it', () => {
    const tick = { minMs: 25, maxMs: 125, samples: 8, highestMs: 125, atMaxShare: 1 };
    expect(boundOf(run('ours', 50_000, { ...latency(700), cpu: idle, tick: { ...tick, medianMs: 125 } }))).toBe('p99 over budget with the tick at its maximum (125 ms)');
    expect(boundOf(run('ours', 50_000, { ...latency(700), cpu: idle, tick: { ...tick, medianMs: 50, atMaxShare: 0.1 } }))).toBe('p99 over budget, tick 50 of 125 ms');
    expect(boundOf(run('socketio', 200, { ...latency(700), cpu: idle }))).toBe('p99 over budget, no resource saturated');
  });

  it('given nothing near a limit, then the publisher schedule', () => {
    expect(boundOf(run('ours', 100, { cpu: idle }))).toBe('not saturated (publisher schedule)');
  });
});

describe('stopReason', () => {
  it('given one failing point, then the sweep goes on; given two in a row, then it stops', () => {
    expect(stopReason([run('ours', 10), run('ours', 20, latency(400))])).toBeUndefined();
    expect(stopReason([run('ours', 10, latency(400)), run('ours', 20), run('ours', 30, latency(400))])).toBeUndefined();
    expect(stopReason([run('ours', 10), run('ours', 20, latency(400)), run('ours', 30, { lost: 1 })])).toBe('2 failing rates in a row');
  });

  it('given a point whose publisher fell short of its target, then the sweep stops at once', () => {
    expect(stopReason([run('ours', 10), run('ours', 100_000, { publishedPerS: 70_000 })])).toBe('the publisher reached 70,000/s of 100,000/s');
  });

  it('given passing points, then it goes on', () => {
    expect(stopReason([run('ours', 10), run('ours', 20)])).toBeUndefined();
  });
});

describe('summariseTicks', () => {
  const range = { minMs: 25, maxMs: 125 };

  it('gives the median, the highest sample and the share of samples at the longest tick', () => {
    const s = summariseTicks([{ tickMs: 25 }, { tickMs: 125 }, { tickMs: 50 }, { tickMs: 125 }, { tickMs: undefined }], range);
    expect(s).toEqual({ minMs: 25, maxMs: 125, samples: 4, medianMs: 87.5, highestMs: 125, atMaxShare: 0.5 });
  });

  it('given no tick sampled (a peer, a build without the gauge), then nothing', () => {
    expect(summariseTicks([{ tickMs: undefined }], range)).toBeUndefined();
  });
});
