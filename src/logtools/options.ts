import * as t from 'io-ts';
import { AnyText, intOption, RedisUrl, SERVER_OPTIONS, ServerConfig, type OptionSpec } from '../config';
import { AGENT_CHANNELS, isAgentChannel, type AgentChannel } from '../events';

/** An optional option: empty text means "not given" (`null`), anything else goes through `codec`. */
function optional<A>(codec: t.Type<A, string, unknown>): t.Type<A | null, string, unknown> {
  return new t.Type<A | null, string, unknown>(
    `Optional${codec.name}`,
    (u): u is A | null => u === null || codec.is(u),
    (u, c) => (typeof u === 'string' && u.trim() === '' ? t.success(null) : codec.validate(u, c)),
    (a) => (a === null ? '' : codec.encode(a)),
  );
}

/** An ISO-8601 date-time with a zone (`2026-11-30T05:00:00Z`, `…+01:00`) → ms since 1970. */
const IsoTime = new t.Type<number, string, unknown>(
  'IsoTime',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => {
    const expected = 'expected an ISO-8601 date-time with a zone, such as 2026-11-30T05:00:00Z';
    if (typeof u !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(u.trim())) return t.failure(u, c, expected);
    const ms = Date.parse(u.trim());
    return Number.isFinite(ms) ? t.success(ms) : t.failure(u, c, expected);
  },
  (ms) => new Date(ms).toISOString(),
);

/** One of the agent channels. */
const Channel = new t.Type<AgentChannel, string, unknown>(
  'Channel',
  (u): u is AgentChannel => typeof u === 'string' && isAgentChannel(u),
  (u, c) => {
    const name = typeof u === 'string' ? u.trim() : '';
    return isAgentChannel(name) ? t.success(name) : t.failure(u, c, `expected one of ${AGENT_CHANNELS.join(', ')}`);
  },
  String,
);

const Batch = intOption('Batch', 1, 100_000, 'expected a count of entries from 1 to 100000');

const LOG_BATCH: OptionSpec = { flag: '--batch', env: 'LOG_BATCH', default: '1000', help: 'log entries read (or lines taken) per batch: what is held in memory at once' };
const REDIS_URL: OptionSpec = { ...SERVER_OPTIONS.redisUrl, help: 'Redis holding the log' };
const CHANNEL_PREFIX: OptionSpec = { ...SERVER_OPTIONS.channelPrefix, help: 'prefix of the log\'s keys (the servers\' --channel-prefix)' };

/** `pm-arb replay` options. */
export const ReplayConfig = t.type({
  redisUrl: RedisUrl,
  channelPrefix: AnyText,
  fromFile: AnyText,
  untilPos: optional(intOption('Position', 0, Number.MAX_SAFE_INTEGER, 'expected a log position (a whole number from 0)')),
  untilTime: optional(IsoTime),
  channel: optional(Channel),
  maxEventBytes: ServerConfig.props.maxEventBytes,
  batch: Batch,
});
/** The replay's validated configuration. */
export type ReplayConfig = t.TypeOf<typeof ReplayConfig>;

/** Every `pm-arb replay` option. */
export const REPLAY_OPTIONS: { readonly [K in keyof ReplayConfig]: OptionSpec } = {
  redisUrl: REDIS_URL,
  channelPrefix: CHANNEL_PREFIX,
  fromFile: { flag: '--from-file', env: 'REPLAY_FILE', default: '', help: 'replay an NDJSON export (- for standard input) instead of the log in Redis' },
  untilPos: { flag: '--until-pos', env: 'REPLAY_UNTIL_POS', default: '', help: 'stop after the entry at this position' },
  untilTime: { flag: '--until-time', env: 'REPLAY_UNTIL_TIME', default: '', help: 'stop before the first entry the log stamped after this ISO-8601 time' },
  channel: { flag: '--channel', env: 'REPLAY_CHANNEL', default: '', help: 'print only this channel (as GET /snapshot/<channel> shows it)' },
  maxEventBytes: { ...SERVER_OPTIONS.maxEventBytes, help: 'largest message reduced (larger: rejected); must match the servers\' for the same states' },
  batch: LOG_BATCH,
};

/** `pm-arb log export` options. */
export const LogExportConfig = t.type({ redisUrl: RedisUrl, channelPrefix: AnyText, out: AnyText, batch: Batch });
/** The export's validated configuration. */
export type LogExportConfig = t.TypeOf<typeof LogExportConfig>;

/** Every `pm-arb log export` option. */
export const LOG_EXPORT_OPTIONS: { readonly [K in keyof LogExportConfig]: OptionSpec } = {
  redisUrl: REDIS_URL,
  channelPrefix: CHANNEL_PREFIX,
  out: { flag: '--out', env: 'LOG_EXPORT_FILE', default: '', help: 'NDJSON file to write (replaced); standard output when empty or -' },
  batch: LOG_BATCH,
};

/** `pm-arb log import` options. */
export const LogImportConfig = t.type({
  redisUrl: RedisUrl,
  channelPrefix: AnyText,
  in: AnyText,
  window: intOption('Window', 1, 100_000, 'expected a count of appends from 1 to 100000'),
});
/** The import's validated configuration. */
export type LogImportConfig = t.TypeOf<typeof LogImportConfig>;

/** Every `pm-arb log import` option. */
export const LOG_IMPORT_OPTIONS: { readonly [K in keyof LogImportConfig]: OptionSpec } = {
  redisUrl: REDIS_URL,
  channelPrefix: CHANNEL_PREFIX,
  in: { flag: '--in', env: 'LOG_IMPORT_FILE', default: '', help: 'NDJSON file to read; standard input when empty or -' },
  window: { flag: '--window', env: 'LOG_IMPORT_WINDOW', default: '256', help: 'appends in flight at once (they stay in order)' },
};
