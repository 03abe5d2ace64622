import { access } from 'node:fs/promises';
import * as E from 'fp-ts/Either';
import { commandConfig } from '../config';
import type { EventLog } from '../eventlog';
import { decodeCheckpoint, REDUCER_SCHEMA, type Checkpoint } from '../pipeline/checkpoint';
import { BadLines } from './badLines';
import { lineEntryBatches, readLines } from './lineEntries';
import { readLogBatches } from './logReader';
import { openRedisLog } from './openLog';
import { REPLAY_OPTIONS, ReplayConfig } from './options';
import { replay, type ReplayBounds, type Replayed } from './replay';

/**
 * `pm-arb replay [options]`: rebuilds every projection from the log in Redis, or from an NDJSON export,
 * with no server and no sockets, and prints them as JSON. Exit 0; 1 when the log cannot be read or
 * lines of the file were skipped (the rest is still replayed and printed); 2 for a bad option.
 */
export async function runReplayCommand(argv: readonly string[]): Promise<number> {
  const parsed = commandConfig('replay', ReplayConfig, REPLAY_OPTIONS, argv, process.env);
  if ('exit' in parsed) return parsed.exit;
  const { config } = parsed;
  const bounds: ReplayBounds = { untilPos: config.untilPos ?? undefined, untilTime: config.untilTime ?? undefined };
  try {
    if (config.fromFile !== '') return await replayFile(config, bounds);
    return await replayRedis(config, bounds);
  } catch (error) {
    process.stderr.write(`pm-arb replay: ${(error as Error).message}\n`);
    return 1;
  }
}

async function replayFile(config: ReplayConfig, bounds: ReplayBounds): Promise<number> {
  if (config.fromFile !== '-') await access(config.fromFile);
  const bad = new BadLines('replay');
  const batches = lineEntryBatches(readLines(config.fromFile), config.batch, bad.report);
  const replayed = await replay(batches, { maxEventBytes: config.maxEventBytes, bounds });
  print(config, replayed, null, { file: config.fromFile, bad_lines: bad.count });
  bad.summarize();
  return bad.count > 0 ? 1 : 0;
}

async function replayRedis(config: ReplayConfig, bounds: ReplayBounds): Promise<number> {
  const log = await openRedisLog(config.redisUrl, config.channelPrefix, true);
  try {
    const probe = await log.read(0, 1, 0);
    if (probe.epoch === '') throw new Error(`there is no log under prefix "${config.channelPrefix}" (nothing was ever appended to it)`);
    const first = probe.entries[0]?.pos ?? probe.head + 1;
    const checkpoint = first > 1 ? await checkpointCovering(log, probe.epoch, first, bounds) : undefined;
    let epoch = probe.epoch;
    const batches = readLogBatches(log, checkpoint?.pos ?? 0, config.batch, (start) => (epoch = start.epoch));
    const replayed = await replay(batches, { maxEventBytes: config.maxEventBytes, bounds, checkpoint });
    print(config, replayed, epoch, { redis: config.channelPrefix, first_held: first, checkpoint: checkpoint?.pos ?? null });
    return 0;
  } finally {
    await log.close();
  }
}

/**
 * The log lost entries 1..first−1 (trimmed): start from the newest checkpoint of this reducer schema when
 * it continues into what the log holds, as a server would. Otherwise the replay starts at the oldest
 * entry held, as a server rebuilding after a gap does, and says so.
 */
async function checkpointCovering(log: EventLog, epoch: string, first: number, bounds: ReplayBounds): Promise<Checkpoint | undefined> {
  const stored = await log.loadCheckpoint(REDUCER_SCHEMA);
  const decoded = stored === undefined ? undefined : decodeCheckpoint(stored.data);
  const usable =
    decoded !== undefined &&
    E.isRight(decoded) &&
    decoded.right.epoch === epoch &&
    decoded.right.pos + 1 >= first &&
    (bounds.untilPos === undefined || decoded.right.pos <= bounds.untilPos)
      ? decoded.right
      : undefined;
  if (usable === undefined) {
    process.stderr.write(
      `pm-arb replay: entries 1..${first - 1} were trimmed from the log and no checkpoint of reducer schema ${REDUCER_SCHEMA} ` +
        `continues from them within the bounds; replaying from entry ${first}, as a server rebuilding after a gap would\n`,
    );
  }
  return usable;
}

/** The rebuilt projections on standard output: every channel, or one as `GET /snapshot/<channel>` shows it. */
function print(config: ReplayConfig, replayed: Replayed, epoch: string | null, source: Record<string, unknown>): void {
  const { channel } = config;
  if (channel !== null) {
    const one = { channel, version: replayed.versions[channel], epoch, pos: replayed.pos, state: replayed.states[channel] };
    process.stdout.write(`${JSON.stringify(one)}\n`);
    return;
  }
  const channels: Record<string, { version: number; state: unknown }> = {};
  for (const [name, version] of Object.entries(replayed.versions)) channels[name] = { version, state: replayed.states[name as keyof typeof replayed.states] };
  const { from, pos, entries, rejected, counters } = replayed;
  process.stdout.write(`${JSON.stringify({ source, epoch, from, pos, entries, rejected, counters, channels })}\n`);
}
