import type { LoadResult } from './scenario';
import type { StormResult } from './storm';
import type { SuiteResult, Sweep } from './suite';
import { fmt, LOAD_HEADER, loadRow, table } from './format';
import { TARGET_LABELS, type TargetName } from './targets';
import { boundOf, failuresOf, ingestLagMs, P99_LIMIT_MS, passes } from './verdict';

/** One checked target of issue 7: what was required, what was measured, whether it passed. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean | undefined;
}

const verdict = (pass: boolean | undefined): string => (pass === undefined ? 'not measured' : pass ? '**pass**' : '**miss**');

function bestOf(result: SuiteResult, target: TargetName): Sweep | undefined {
  return result.sweeps.find((s) => s.target === target && s.proposal === undefined);
}

/** A sweep's display name. */
export function sweepLabel(s: Sweep): string {
  const flush = s.flushMs !== undefined ? `, flush ${s.flushMs} ms` : '';
  return (s.proposal ? `${TARGET_LABELS[s.target]} + ${s.proposal} (proposed)` : TARGET_LABELS[s.target]) + flush;
}

/** Checks the issue's targets against a suite's figures. */
export function checkTargets(result: SuiteResult, proposal?: string): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const isOurs = (r: LoadResult): boolean => r.options.target === 'ours' && r.options.proposal === proposal;
  const mixed = mixedRow(result, proposal, false);
  checks.push({
    target: 'mixed, 1,000 clients at 1,000 events/s, default flush: p99 under 100 ms',
    measured: mixed ? `p99 ${fmt(mixed.latency.p99)} ms (${fmt(mixed.connected)} clients, ${fmt(mixed.publishedPerS)} events/s)` : '–',
    pass: mixed ? mixed.latency.p99 < 100 && mixed.connectFailed === 0 : undefined,
  });
  checks.push({
    target: 'mixed, same run: server under one core',
    measured: mixed ? `${fmt(mixed.cpu.server)} cores` : '–',
    pass: mixed ? mixed.cpu.server < 1 : undefined,
  });
  const heavy = result.trades.find((r) => isOurs(r) && r.options.rate >= 50_000);
  checks.push({
    target: 'trades, 100 clients at 50,000 events/s: nothing lost, every full client converges, p99 under 250 ms',
    measured: heavy
      ? `published ${fmt(heavy.publishedPerS)}/s, lost ${fmt(heavy.lost)}, converged ${heavy.convergence ? `${heavy.convergence.equal}/${heavy.convergence.fullClients}` : '–'}, p99 ${fmt(heavy.latency.p99)} ms`
      : '–',
    pass: heavy
      ? heavy.lost === 0 &&
        heavy.publishedPerS >= 0.95 * heavy.options.rate &&
        heavy.convergence !== undefined &&
        heavy.convergence.equal === heavy.convergence.fullClients &&
        heavy.latency.p99 < P99_LIMIT_MS
      : undefined,
  });
  // Our best sweep for this variant, whatever its flush interval (the rows say which).
  const ours = result.sweeps
    .filter((s) => s.target === 'ours' && s.proposal === proposal)
    .sort((a, b) => (b.best?.options.rate ?? 0) - (a.best?.options.rate ?? 0))[0];
  const sio = bestOf(result, 'socketio');
  const oursRate = ours?.best?.options.rate;
  const sioRate = sio?.best?.options.rate;
  checks.push({
    target: `trades, 1,000 clients: highest rate with p99 under ${P99_LIMIT_MS} ms at least 50× the Socket.IO forwarder's`,
    measured:
      ours && sio
        ? `pm-arb ${oursRate ? `${fmt(oursRate)}/s${ours.flushMs !== undefined ? ` (flush ${ours.flushMs} ms)` : ''}` : 'no passing rate'} vs Socket.IO ${fmt(sioRate ?? 0)}/s${oursRate && sioRate ? `: ${fmt(oursRate / sioRate)}×` : ''}`
        : '–',
    pass: ours && sio ? (oursRate ?? 0) >= 50 * (sioRate ?? Infinity) : undefined,
  });
  const oursCpu = ours?.best?.serverCpuMsPer1kEvents;
  const sioCpu = sio?.best?.serverCpuMsPer1kEvents;
  checks.push({
    target: 'trades: server CPU per ingested event, each at its highest passing rate, at most 1/20 of the Socket.IO forwarder\'s',
    measured:
      oursCpu !== undefined && sioCpu !== undefined
        ? `pm-arb ${fmt(oursCpu)} ms vs Socket.IO ${fmt(sioCpu)} ms per 1,000 events: 1/${fmt(sioCpu / oursCpu)}`
        : '–',
    pass: oursCpu !== undefined && sioCpu !== undefined ? oursCpu * 20 <= sioCpu : undefined,
  });
  if (proposal !== undefined) return checks;
  const storm = result.storms.find((s) => s.target === 'ours');
  checks.push({
    target: '10,000 idle clients: under 10 KB server RSS per client',
    measured: storm ? `${fmt(storm.rssPerClientKb)} KB per client (${fmt(storm.idleClients)} held)` : '–',
    pass: storm ? storm.rssPerClientKb < 10 && storm.idleClients >= 10_000 : undefined,
  });
  checks.push({
    target: 'late-join storm of 5,000 clients complete in under 5 s',
    measured: storm ? `${fmt(storm.stormMs)} ms for ${fmt(storm.stormClients)} clients (${storm.stormFailed} failed)` : '–',
    pass: storm ? storm.stormMs < 5_000 && storm.stormFailed === 0 && storm.stormClients >= 5_000 : undefined,
  });
  return checks;
}

const label = (t: TargetName): string => TARGET_LABELS[t];

/** A sweep's highest passing point under the current rule (results read back from JSON are judged again). */
export function highestPassing(s: Sweep): LoadResult | undefined {
  return s.points.filter(passes).sort((a, b) => b.options.rate - a.options.rate)[0];
}

/** A point's verdict: the highest passing one, pass, or the criteria it missed. */
function pointVerdict(s: Sweep, r: LoadResult): string {
  if (r.options.rate === highestPassing(s)?.options.rate && passes(r)) return 'highest passing';
  const failed = failuresOf(r);
  return failed.length === 0 ? 'pass' : `fail: ${failed.join(', ')}`;
}

function tickCell(r: LoadResult): string {
  return r.tick ? `${fmt(r.tick.medianMs)} / ${fmt(r.tick.highestMs)}` : '–';
}

function sweepTable(sweeps: readonly Sweep[]): string {
  const rows = sweeps.flatMap((s) =>
    s.points.map((r: LoadResult) => [
      sweepLabel(s),
      fmt(r.options.rate),
      `${fmt(r.publishedPerS)} (${fmt((100 * r.publishedPerS) / r.options.rate)} %)`,
      fmt(r.cpu.publisher),
      fmt(r.cpu.redis),
      fmt(r.lost),
      fmt(ingestLagMs(r) === undefined ? undefined : (ingestLagMs(r) ?? 0) / 1000),
      fmt(r.framesPerS),
      fmt(r.bytesPerS / 1e6),
      fmt(r.latency.p50),
      fmt(r.latency.p99),
      fmt(r.latency.p999),
      tickCell(r),
      fmt(r.cpu.server),
      `${fmt(r.cpu.clients)} (${fmt(r.cpu.clientsMax)})`,
      fmt(r.cpu.kernelIrq),
      fmt(r.cpu.other),
      fmt(r.serverCpuMsPer1kEvents),
      r.convergence ? `${r.convergence.equal}/${r.convergence.fullClients}` : 'n/a',
      pointVerdict(s, r),
      boundOf(r),
    ]),
  );
  return table(
    [
      'server',
      'target events/s',
      'published/s (of target)',
      'publisher cores',
      'Redis cores',
      'lost',
      'ingest behind at end (s)',
      'frames/s',
      'MB/s',
      'p50 ms',
      'p99 ms',
      'p999 ms',
      'flush tick ms (median / highest)',
      'server cores',
      'client cores (busiest process)',
      'kernel irq cores',
      'other cores',
      'server CPU ms / 1k events',
      'converged',
      'verdict',
      'bounded by',
    ],
    rows,
  );
}

/** The highest rate up to which every point of a sweep passed, or `undefined` when its first point failed. */
export function passesUpTo(s: Sweep): number | undefined {
  let upTo: number | undefined;
  for (const r of s.points) {
    if (!passes(r)) break;
    upTo = r.options.rate;
  }
  return upTo;
}

/** Per sweep: the highest passing rate and its bound, and the next rate measured, why it failed and what bounded it. */
function bestTable(sweeps: readonly Sweep[]): string {
  return table(
    ['server', 'highest rate passing', 'bounded by there', 'every rate passes up to', 'next rate run', 'it failed on', 'bounded by there', 'sweep ended'],
    sweeps.map((s) => {
      const best = highestPassing(s);
      const bestRate = best?.options.rate ?? 0;
      const next = s.points.find((r) => r.options.rate > bestRate && !passes(r));
      return [
        sweepLabel(s),
        best ? `${fmt(bestRate)}/s (p99 ${fmt(best.latency.p99)} ms)` : 'none',
        best ? boundOf(best) : '–',
        fmt(passesUpTo(s)),
        next ? `${fmt(next.options.rate)}/s` : '–',
        next ? failuresOf(next).join(', ') : '–',
        next ? boundOf(next) : '–',
        s.stopped ?? '–',
      ];
    }),
  );
}

/** Issue 15's acceptance figures that a suite measures. */
export function checkIssue15(result: SuiteResult): TargetCheck[] {
  const ours = result.sweeps.find((s) => s.target === 'ours' && s.proposal === undefined && s.flushMs === undefined && s.points[0]?.options.clients === 1_000);
  const upTo = ours ? passesUpTo(ours) : undefined;
  const best = ours ? highestPassing(ours) : undefined;
  const mixed = mixedRow(result, undefined, false);
  const fixed = mixedRow(result, undefined, true);
  return [
    {
      target: `trades, 1,000 clients: p99 under ${P99_LIMIT_MS} ms, nothing lost and every full client converged at every rate of the sweep up to at least 50,000 events/s`,
      measured: ours
        ? `${upTo === undefined ? 'the first rate fails' : `every rate passes up to ${fmt(upTo)}/s`}; highest passing ${best ? `${fmt(best.options.rate)}/s, bounded by ${boundOf(best)}` : 'none'}`
        : '–',
      pass: ours ? (upTo ?? 0) >= 50_000 : undefined,
    },
    {
      target: 'mixed, 1,000 clients at 1,000 events/s, default flush: p99 under 50 ms',
      measured: mixed ? `p99 ${fmt(mixed.latency.p99)} ms${mixed.tick ? `, tick ${fmt(mixed.tick.medianMs)} ms (highest ${fmt(mixed.tick.highestMs)})` : ''}` : '–',
      pass: mixed ? mixed.latency.p99 < 50 && mixed.connectFailed === 0 : undefined,
    },
    {
      target: 'mixed, same run: adaptive ticks cost nothing when quiet (the tick stays at its floor throughout; p99 beside a run with the tick held there)',
      measured:
        mixed?.tick && fixed
          ? `tick ${fmt(mixed.tick.medianMs)} ms median, ${fmt(mixed.tick.highestMs)} highest (floor ${fmt(mixed.tick.minMs)}); p99 ${fmt(mixed.latency.p99)} ms adaptive, ${fmt(fixed.latency.p99)} ms held at the floor`
          : '–',
      pass: mixed?.tick && fixed ? mixed.tick.highestMs <= mixed.tick.minMs : undefined,
    },
  ];
}

/** Our 1,000 clients × 1,000 mixed events/s row at the default flush, with adaptive ticks or (`fixedTick`) without. */
function mixedRow(result: SuiteResult, proposal: string | undefined, fixedTick: boolean): LoadResult | undefined {
  return result.mixed.find(
    (r) =>
      r.options.target === 'ours' &&
      r.options.proposal === proposal &&
      r.options.clients === 1_000 &&
      r.options.rate === 1_000 &&
      r.options.flushMs === undefined &&
      (r.options.fixedTick === true) === fixedTick,
  );
}

export function stormTable(storms: readonly StormResult[]): string {
  return table(
    ['server', 'storm clients', 'all hold all snapshots after (ms)', 'p50 / p99 per client (ms)', 'failed', 'idle clients held', 'RSS before → with idle clients (MB)', 'RSS per idle client (KB)', 'server CPU idle (cores)'],
    storms.map((s) => [
      label(s.target),
      fmt(s.stormClients),
      fmt(s.stormMs),
      `${fmt(s.stormReady.p50)} / ${fmt(s.stormReady.p99)}`,
      fmt(s.idleFailed),
      fmt(s.idleClients),
      `${fmt(s.rssBeforeMb)} → ${fmt(s.rssIdleMb)}`,
      // Results written before the samples followed a collection say nothing of it (undefined).
      s.rssAfterGc === false ? `${fmt(s.rssPerClientKb)} (no collection)` : fmt(s.rssPerClientKb),
      fmt(s.idleCpu),
    ]),
  );
}

function ratios(result: SuiteResult): string {
  const lines: string[] = [];
  const ours = bestOf(result, 'ours')?.best;
  for (const peer of ['socketio', 'uws'] as const) {
    const p = bestOf(result, peer)?.best;
    if (!ours || !p) continue;
    lines.push(
      `- pm-arb vs ${label(peer)}: highest passing rate ${fmt(ours.options.rate / p.options.rate)}× theirs; ` +
        `server CPU per ingested event 1/${fmt((p.serverCpuMsPer1kEvents ?? 0) / (ours.serverCpuMsPer1kEvents ?? Infinity))} of theirs.`,
    );
  }
  const mixedOurs = mixedRow(result, undefined, false);
  for (const r of result.mixed.filter((m) => m.options.target !== 'ours')) {
    if (!mixedOurs) continue;
    const p99 =
      r.latency.count === 0
        ? 'no event published after the warm-up reached its clients within the run'
        : `p99 ${fmt(r.latency.p99 / Math.max(mixedOurs.latency.p99, 0.001))}× ours`;
    lines.push(`- mixed at the same load, ${label(r.options.target)}: ${p99}, server CPU ${fmt(r.cpu.server / Math.max(mixedOurs.cpu.server, 0.001))}× ours.`);
  }
  return lines.join('\n');
}

/** The proposals a suite measured. */
function proposals(result: SuiteResult): string[] {
  const names = [...result.mixed, ...result.trades, ...result.sweeps.flatMap((s) => s.points)].map((r) => r.options.proposal);
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/** The plots RESULTS.md shows (file names beside it), when they were drawn. */
export interface Plots {
  /** p99 against the event rate, every sweep. */
  readonly p99?: string;
  /** Our flush tick and p99 against the event rate. */
  readonly tick?: string;
}

/** RESULTS.md from a suite result; `notes` (hand-written analysis) is appended verbatim. */
export function renderResults(result: SuiteResult, plots: Plots, notes: string): string {
  const m = result.machine;
  const checks = checkTargets(result);
  const loadTable = (rs: readonly LoadResult[]): string => (rs.length === 0 ? '_not run_' : table(LOAD_HEADER, rs.map(loadRow)));
  return [
    '# Bench results',
    '',
    `Generated by \`${result.command}\` (${result.kind} suite) at ${result.startedAt}; it took ${Math.round(result.elapsedS / 60)} min.`,
    'Every figure was measured in that one run, with the peers on the same machine, workload and client count.',
    'Server, load clients, publisher and Redis share the two cores: compare rows within this file, not with other machines.',
    '',
    '## Machine',
    '',
    table(['cpu', 'cores', 'memory', 'kernel', 'node', 'redis', 'open files'], [[m.cpu, String(m.cores), `${m.memoryGb} GB`, m.kernel, m.node, m.redis, m.fdLimit]]),
    '',
    `Our server's flush interval: ${result.defaultFlushMs} ms (its default) unless a row says otherwise.`,
    '',
    ...(result.kind === 'quick'
      ? ['_Quick suite: sizes are below the targets of issue 7; `npm run bench:results` checks those._', '']
      : [
          '## Targets (issue 7)',
          '',
          table(['target', 'measured', 'verdict'], checks.map((c) => [c.target, c.measured, verdict(c.pass)])),
          '',
          '## Targets (issue 15)',
          '',
          table(['target', 'measured', 'verdict'], checkIssue15(result).map((c) => [c.target, c.measured, verdict(c.pass)])),
          '',
          '`bench:pipeline`\'s figures (server path against JSON.parse alone) are measured by `npm run bench:pipeline`, not by this suite.',
          '',
        ]),
    ...proposals(result).flatMap((name) => [
      `The same targets with the proposed server change \`${name}\` (bench/proposals/${name}.patch, applied to a copy of src/ for this run only):`,
      '',
      table(['target', 'measured', 'verdict'], checkTargets(result, name).map((c) => [c.target, c.measured, verdict(c.pass)])),
      '',
    ]),
    '## Ratios',
    '',
    ratios(result) || '_no peer sweep in this run_',
    '',
    '## Mixed workload (every client on the five agent projections; catalog mix)',
    '',
    loadTable(result.mixed),
    '',
    '## Trades workload (trade.executed only; clients on trade.results)',
    '',
    loadTable(result.trades),
    '',
    `## Highest event rate under p99 ${P99_LIMIT_MS} ms (trades)`,
    '',
    ...(result.sweeps.length === 0
      ? ['_not run_']
      : [
          `Highest rate with p99 under ${P99_LIMIT_MS} ms, nothing lost and every full client converged, per server, and what bounded it:`,
          '',
          bestTable(result.sweeps),
          '',
          'Every point:',
          '',
          sweepTable(result.sweeps),
        ]),
    '',
    ...(plots.p99 ? [`![p99 latency against event rate](${plots.p99})`, ''] : []),
    ...(plots.tick ? [`![pm-arb flush tick and p99 against event rate](${plots.tick})`, ''] : []),
    '## Late-join storm and idle clients',
    '',
    result.storms.length === 0 ? '_not run_' : stormTable(result.storms),
    '',
    '## Columns',
    '',
    '- **events/s published / ingested**: sent by the publisher process / taken from Redis by the server (its counter), over the publishing phase. **lost** = published − ingested.',
    '- **frames/s, bytes/s delivered**: WebSocket messages (payload bytes) received by all load clients, measured after a warm-up, over the publishing phase.',
    '- **p50/p99/p999**: end-to-end latency from the `ts_first` of each delta (peers: the event\'s own `ts`) to its arrival at a client, over all clients, HDR histogram; `ts` has ms resolution.',
    '- **CPU (cores)**: utime+stime from /proc over the measured window; 1 = one core busy. **kernel irq** = irq+softirq time from /proc/stat (on loopback, mostly the network stack delivering the frames; charged to no process). **other** = the rest of the machine\'s busy time: other programs running at the same time. **background cores before** = machine load just before the run (each run first waits up to BENCH_QUIET_WAIT_MS for quiet).',
    '- **RSS before → with idle clients, RSS per idle client**: the server\'s resident memory from /proc, each sample taken after a full garbage collection run through the Node inspector (`--inspect`), before any idle client and with all of them connected; per client = the difference ÷ idle clients held.',
    '- **server CPU ms / 1k frames (events)**: server CPU time over the window divided by frames delivered (events ingested) in it.',
    '- **bounded by**, first that applies: the **publisher short of target** (under 95 % of the target rate: the load was not offered); **events not ingested** (lost); **ingest behind the log** (events appended but not yet ingested when the publisher finished, over 250 ms worth); a saturated resource over the window (server ≥ 0.9 core, a client process ≥ 0.9 core, the publisher or Redis ≥ 0.9 core, the whole machine ≥ 1.8 cores), also named after the first two; for our server, **p99 over budget with the tick at its maximum** (median flush tick at half of `--latency-budget-ms`: the lever is spent); p99 over budget with none of these; else not saturated (the publisher\'s schedule).',
    '- **flush tick**: our server\'s `pmarb_flush_tick_ms` gauge (admin listener `/metrics`), sampled twice a second over the measured window: median / highest.',
    '- **ingest behind at end**: events appended but not yet ingested when the publisher finished, in seconds of the target rate.',
    `- **sweep rule**: rates go up in the planned order; a failing point (p99 ≥ ${P99_LIMIT_MS} ms, an event not ingested, a full client not converged, a client lost, or the publisher under 95 % of the target) does not end the sweep, two failing points in a row do, and so does one point where the publisher fell short (the machine cannot offer a higher load). **Highest rate passing** is the highest passing point; **every rate passes up to**, the rate before the first failing one.`,
    '- **converged**: full clients whose replica (snapshot + every delta applied) deep-equals `GET /snapshot/<channel>` at the end, versions included.',
    '',
    notes.trim(),
    '',
  ].join('\n');
}
