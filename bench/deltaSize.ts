/**
 * `npx tsx bench/deltaSize.ts [--events-per-tick 6250] [--workload trades|mixed]`: the size of each
 * channel's delta (its ops as JSON) and of its state, for ticks of that many workload events reduced
 * as the server does (in place, one diff per touched channel per tick). 6,250 events per tick is
 * 50,000 events/s at a 125 ms tick. Deterministic: the same inputs every run.
 */
import * as E from 'fp-ts/Either';
import { decodeEvent, AGENT_CHANNELS } from '../src/events';
import { diff, ProjectionStates } from '../src/pipeline';
import { numberOption, choiceOption, parseArgs } from './lib/args';
import { runMain } from './lib/entry';
import { fmt, table } from './lib/format';
import { createEventSource, workloadOf, WORKLOAD_NAMES } from './lib/workloads';

const TICKS = 4;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const perTick = numberOption(args, 'events-per-tick', 6_250);
  const workload = choiceOption(args, 'workload', WORKLOAD_NAMES, 'trades');
  const source = createEventSource(workloadOf(workload), 'size');
  const states = new ProjectionStates({ inPlace: true });
  const published = new Map(AGENT_CHANNELS.map((c) => [c, states.state(c) as unknown]));
  const sizes = new Map(AGENT_CHANNELS.map((c) => [c, { ops: 0, bytes: 0, state: 0, ticks: 0 }]));
  let time = Date.UTC(2026, 10, 30);
  for (let tick = 0; tick < TICKS; tick++) {
    const touched = new Set<(typeof AGENT_CHANNELS)[number]>();
    for (let i = 0; i < perTick; i++) {
      const out = source.next(new Date((time += 1)).toISOString());
      const decoded = decodeEvent(out.channel, out.payload);
      if (E.isRight(decoded)) for (const c of states.apply(decoded.right).touched) touched.add(c);
    }
    // The first tick fills the windows from empty; the later ones are the steady state reported.
    for (const channel of touched) {
      const state = states.state(channel);
      const ops = diff(published.get(channel), state);
      published.set(channel, state);
      const size = sizes.get(channel);
      if (tick === 0 || size === undefined || ops.length === 0) continue;
      size.ops += ops.length;
      size.bytes += JSON.stringify(ops).length;
      size.state += JSON.stringify(state).length;
      size.ticks += 1;
    }
  }
  const rows = [...sizes].filter(([, s]) => s.ticks > 0).map(([channel, s]) => [channel, fmt(s.ops / s.ticks), fmt(s.bytes / s.ticks), fmt(s.state / s.ticks)]);
  console.log(`${workload}, ${fmt(perTick)} events per tick, mean of ticks 2–${TICKS}:\n`);
  console.log(table(['channel', 'ops per delta', 'delta bytes (ops as JSON)', 'state bytes'], rows));
}

runMain(main);
