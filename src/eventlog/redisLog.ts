import Redis from 'ioredis';
import type { Logger } from 'pino';
import { reconnectingOptions, redactUrl } from '../bus/redisBus';
import { StatusListeners } from '../bus/eventBus';
import {
  CHECKPOINT_HOLD_MS,
  LEGACY_DEDUP_WINDOW_MS,
  newEpoch,
  type AppendOutcome,
  type AppendRequest,
  type EventLog,
  type LogRead,
  type StoredCheckpoint,
} from './eventLog';
import { logKeys } from './keys';
import { RedisLogReader } from './redisLogReader';
import { RespClient } from '../redis/client';
import { faultLog } from '../redis/reconnect';
import { Script } from '../redis/script';
import { APPEND_BATCH_SCRIPT, APPEND_SCRIPT, BOUNDS_SCRIPT, RENEW_EPOCH_SCRIPT, SAVE_CHECKPOINT_SCRIPT, TRIM_SCRIPT } from './scripts';

/** Options of the Redis log. */
export interface RedisLogOptions {
  readonly url: string;
  /** Prefix of the log's keys and of the pub/sub channels appends publish on. */
  readonly prefix?: string;
  readonly logger?: Logger;
  readonly maxRetryDelayMs?: number;
  /** Whether this process reads the log (opens a second connection for blocking reads). */
  readonly reads?: boolean;
}

type ScriptCall = (...args: (string | Buffer | number)[]) => Promise<unknown>;

interface Scripts {
  pmarbBounds: ScriptCall;
  pmarbSaveCheckpoint: ScriptCall;
  pmarbTrim: ScriptCall;
  pmarbRenewEpoch: ScriptCall;
}

const APPEND = new Script(APPEND_SCRIPT, 4);
const APPEND_BATCH = new Script(APPEND_BATCH_SCRIPT, 4);

/**
 * The log on Redis: one stream, positions and dedup in Lua scripts (appends with EVAL, see `Script`;
 * the others with EVALSHA, loaded on first use).
 * Appends go in order on a connection of their own (`RespClient`: a batch of appends is written as one
 * buffer, not an argument at a time), blocking reads on another (`RedisLogReader`), and the other commands on
 * an auto-pipelined ioredis connection.
 * Connections reconnect forever with capped backoff; faults are logged, and a failed call rejects.
 */
export function createRedisLog(options: RedisLogOptions): EventLog {
  const prefix = options.prefix ?? '';
  const keys = logKeys(prefix);
  const log = options.logger;
  const connectionOptions = reconnectingOptions(options.maxRetryDelayMs);
  const commands = new Redis(options.url, { ...connectionOptions, connectionName: 'pm-arb-log', enableAutoPipelining: true });
  commands.defineCommand('pmarbBounds', { numberOfKeys: 2, lua: BOUNDS_SCRIPT });
  commands.defineCommand('pmarbSaveCheckpoint', { numberOfKeys: 2, lua: SAVE_CHECKPOINT_SCRIPT });
  commands.defineCommand('pmarbTrim', { numberOfKeys: 3, lua: TRIM_SCRIPT });
  commands.defineCommand('pmarbRenewEpoch', { numberOfKeys: 1, lua: RENEW_EPOCH_SCRIPT });
  const scripts = commands as unknown as Scripts;
  const status = new StatusListeners();
  let connected = false;
  let closed = false;
  /** The epoch offered when this process is the first to touch the log: new for every connection, so a log lost with a Redis restart is made again with another. */
  let candidateEpoch = newEpoch();

  const warn = (error: Error): void => log?.warn({ err: error.message }, 'log connection error');
  const reader =
    options.reads === true
      ? new RedisLogReader({
          url: options.url,
          streamKey: keys.stream,
          metaKey: keys.meta,
          connectionName: 'pm-arb-log-read',
          maxRetryDelayMs: options.maxRetryDelayMs,
          onStatus: () => refresh(),
          onError: warn,
        })
      : undefined;
  const appender = new RespClient({
    url: options.url,
    connectionName: 'pm-arb-log-append',
    maxRetryDelayMs: options.maxRetryDelayMs,
    // Appends are deduplicated by the log, so one sent again is harmless, and sending them again in order
    // keeps a later seq of a run from being logged before an earlier one (which would then be refused).
    resendUnanswered: true,
    onStatus: (ready) => {
      if (ready) candidateEpoch = newEpoch();
      refresh();
    },
    onError: warn,
  });
  const refresh = (): void => {
    const next = !closed && commands.status === 'ready' && appender.isReady && (reader === undefined || reader.isReady);
    if (next === connected) return;
    connected = next;
    if (next) log?.info({ url: redactUrl(options.url) }, 'log connected');
    else if (!closed) log?.warn({ url: redactUrl(options.url) }, 'log unreachable; retrying');
    status.emit(next);
  };
  const commandFaults = faultLog(warn);
  commands.on('error', (error: Error) => commandFaults.report(error));
  commands.on('ready', () => {
    commandFaults.clear();
    candidateEpoch = newEpoch();
    refresh();
  });
  commands.on('close', refresh);
  commands.on('end', refresh);
  commands.connect().catch(() => undefined);

  /** Adds a request to `args` as the scripts take it: channel, message, run, seq, the pub/sub channel to publish on. */
  const pushAppend = (args: (string | number | Buffer)[], request: AppendRequest): void => {
    const logged = request.run !== undefined && request.seq !== undefined;
    args.push(
      request.channel,
      request.message,
      logged ? (request.run as string) : '',
      logged ? String(request.seq) : '',
      request.publish === false ? '' : prefix + request.channel,
    );
  };
  const timeArg = (request: AppendRequest): string => (request.time === undefined ? '' : String(request.time));
  const outcomeOf = (pos: number, epoch: string): AppendOutcome => (pos > 0 ? { outcome: 'appended', pos, epoch } : { outcome: 'duplicate', epoch });

  return {
    get connected() {
      return connected;
    },
    append(request): Promise<AppendOutcome> {
      const args: (string | number | Buffer)[] = [keys.stream, keys.meta, keys.seqs, keys.recent];
      pushAppend(args, request);
      args.push(candidateEpoch, LEGACY_DEDUP_WINDOW_MS, timeArg(request));
      return APPEND.run(appender, args, (reply) => {
        reply.array();
        const pos = reply.integer();
        return outcomeOf(pos, reply.text() ?? '');
      });
    },
    async appendMany(requests): Promise<AppendOutcome[]> {
      if (requests.length === 0) return [];
      const args: (string | number | Buffer)[] = [keys.stream, keys.meta, keys.seqs, keys.recent, candidateEpoch, LEGACY_DEDUP_WINDOW_MS];
      for (const request of requests) {
        pushAppend(args, request);
        args.push(timeArg(request));
      }
      return APPEND_BATCH.run(appender, args, (reply) => {
        const positions = reply.array() - 1;
        const epoch = reply.text() ?? '';
        const outcomes: AppendOutcome[] = [];
        for (let i = 0; i < positions; i++) outcomes.push(outcomeOf(reply.integer(), epoch));
        return outcomes;
      });
    },
    async read(after, count, blockMs): Promise<LogRead> {
      if (reader === undefined) throw new Error('this log was opened without reads');
      return reader.read(after, count, blockMs);
    },
    async bounds() {
      const [epoch, head, first] = (await scripts.pmarbBounds(keys.stream, keys.meta, candidateEpoch)) as [string, number, number];
      return { epoch, head, first };
    },
    async renewEpoch(followed) {
      return (await scripts.pmarbRenewEpoch(keys.meta, followed, newEpoch())) as string;
    },
    async loadCheckpoint(schema): Promise<StoredCheckpoint | undefined> {
      const [epoch, pos, data] = await commands.hmgetBuffer(keys.checkpoint(schema), 'epoch', 'pos', 'data');
      if (epoch == null || pos == null || data == null) return undefined;
      return { epoch: epoch.toString(), pos: Number(pos.toString()), data };
    },
    async saveCheckpoint(schema, checkpoint) {
      await scripts.pmarbSaveCheckpoint(
        keys.checkpoint(schema),
        keys.holds,
        checkpoint.epoch,
        String(checkpoint.pos),
        checkpoint.data,
        schema,
        CHECKPOINT_HOLD_MS,
      );
    },
    async trim(maxEntries) {
      await scripts.pmarbTrim(keys.stream, keys.meta, keys.holds, maxEntries, CHECKPOINT_HOLD_MS);
    },
    onStatus(listener) {
      return status.add(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      reader?.close();
      await appender.quit();
      try {
        if (commands.status === 'ready') await commands.quit();
        else commands.disconnect();
      } catch {
        commands.disconnect();
      }
      connected = false;
      status.emit(false);
    },
  };
}
