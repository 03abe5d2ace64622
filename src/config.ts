import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

/** A codec from an option's text (flag or environment value) to its typed value. */
type OptionCodec<A> = t.Type<A, string, unknown>;

/** An integer option within [min, max]; `also` admits values outside that range (e.g. 0 meaning off). */
export function intOption(name: string, min: number, max: number, expected: string): OptionCodec<number> {
  return new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= min && u <= max,
    (u, c) => {
      if (typeof u !== 'string' || !/^\s*[+-]?\d+\s*$/.test(u)) return t.failure(u, c, expected);
      const n = Number(u);
      return Number.isSafeInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c, expected);
    },
    String,
  );
}

/** uWS aborts the process for an idle timeout of 1..8 seconds, and caps it at 960. */
const IdleTimeout = new t.Type<number, string, unknown>(
  'IdleTimeout',
  (u): u is number => typeof u === 'number' && (u === 0 || (u > 8 && u <= 960)),
  (u, c) => {
    const expected = 'expected 0 (off) or a whole number of seconds from 9 to 960 (uWS cannot run with 1..8)';
    if (typeof u !== 'string' || !/^\s*\d+\s*$/.test(u)) return t.failure(u, c, expected);
    const n = Number(u);
    return n === 0 || (n > 8 && n <= 960) ? t.success(n) : t.failure(u, c, expected);
  },
  String,
);

/** A Redis URL: `redis://` or `rediss://`, with a host. */
export const RedisUrl = new t.Type<string, string, unknown>(
  'RedisUrl',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    const expected = 'expected a URL such as redis://127.0.0.1:6379';
    if (typeof u !== 'string') return t.failure(u, c, expected);
    try {
      const url = new URL(u);
      if ((url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '') return t.success(u);
    } catch {
      // not a URL at all: reported below
    }
    return t.failure(u, c, expected);
  },
  String,
);

/** Any non-empty text. */
const NonEmpty = new t.Type<string, string, unknown>(
  'NonEmpty',
  (u): u is string => typeof u === 'string' && u !== '',
  (u, c) => (typeof u === 'string' && u.trim() !== '' ? t.success(u.trim()) : t.failure(u, c, 'expected a non-empty value')),
  String,
);

/** Any text, empty included. */
export const AnyText = new t.Type<string, string, unknown>(
  'AnyText',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c, 'expected text')),
  String,
);

/** `on` or `off`. */
const OnOff = new t.Type<boolean, string, unknown>(
  'OnOff',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => {
    const text = typeof u === 'string' ? u.trim().toLowerCase() : undefined;
    return text === 'on' ? t.success(true) : text === 'off' ? t.success(false) : t.failure(u, c, 'expected on or off');
  },
  (b) => (b ? 'on' : 'off'),
);

/** The server's options, as io-ts codecs from text. */
export const ServerConfig = t.type({
  host: NonEmpty,
  port: intOption('Port', 0, 65535, 'expected a port number from 0 to 65535'),
  redisUrl: RedisUrl,
  channelPrefix: AnyText,
  flushMs: intOption('FlushMs', 0, 1000, 'expected milliseconds from 0 (one frame per event) to 1000'),
  heartbeatMs: intOption('HeartbeatMs', 100, 60_000, 'expected milliseconds from 100 to 60000'),
  idleTimeoutSec: IdleTimeout,
  maxFrameBytes: intOption('MaxFrameBytes', 256, 16 * 1024 * 1024, 'expected bytes from 256 to 16777216'),
  maxBackpressureBytes: intOption('MaxBackpressure', 1024, 1024 * 1024 * 1024, 'expected bytes from 1024 to 1073741824'),
  rateLimit: intOption('RateLimit', 1, 100_000, 'expected messages per second from 1 to 100000'),
  rateBurst: intOption('RateBurst', 1, 100_000, 'expected a message count from 1 to 100000'),
  maxStrikes: intOption('MaxStrikes', 1, 1000, 'expected a count from 1 to 1000'),
  maxEventBytes: intOption('MaxEventBytes', 64, 64 * 1024 * 1024, 'expected bytes from 64 to 67108864'),
  deadLetterSize: intOption('DeadLetterSize', 0, 100_000, 'expected a count from 0 to 100000'),
  staticRoot: NonEmpty,
  logBatch: intOption('LogBatch', 1, 100_000, 'expected a count of entries from 1 to 100000'),
  logMaxEntries: intOption('LogMaxEntries', 1000, 1_000_000_000, 'expected a count of entries from 1000 to 1000000000'),
  checkpointMs: intOption('CheckpointMs', 100, 3_600_000, 'expected milliseconds from 100 to 3600000'),
  resumeWindowSec: intOption('ResumeWindow', 0, 3600, 'expected seconds from 0 (no resume) to 3600'),
  maxLogLagMs: intOption('MaxLogLagMs', 100, 3_600_000, 'expected milliseconds from 100 to 3600000'),
  bridge: OnOff,
  adminHost: NonEmpty,
  adminPort: intOption('AdminPort', 0, 65535, 'expected a port number from 0 to 65535'),
  authSecret: AnyText,
  authPublicKey: AnyText,
  authJwks: AnyText,
  allowedOrigins: AnyText,
  allowedHosts: AnyText,
  trustedProxies: AnyText,
  maxConnections: intOption('MaxConnections', 0, 10_000_000, 'expected a count from 0 (no cap) to 10000000'),
  maxConnectionsPerIp: intOption('MaxConnectionsPerIp', 0, 10_000_000, 'expected a count from 0 (no cap) to 10000000'),
  abuseWaitSec: intOption('AbuseWait', 0, 86_400, 'expected seconds from 0 to 86400'),
  serveSourceMaps: OnOff,
  latencyBudgetMs: intOption('LatencyBudgetMs', 0, 60_000, 'expected milliseconds from 0 (fixed tick) to 60000'),
});
/** The server's validated configuration. */
export type ServerConfig = t.TypeOf<typeof ServerConfig>;

/** How one option is given: its flag, its environment variable, its default and what it does. */
export interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly default: string;
  readonly help: string;
}

/** Where the built dashboard lives: `dist/dashboard` at the package root, from `src/` or `dist/` alike. */
const DEFAULT_STATIC_ROOT = path.resolve(__dirname, '..', 'dist', 'dashboard');

/** Every server option; the README's options table mirrors it. */
export const SERVER_OPTIONS: { readonly [K in keyof ServerConfig]: OptionSpec } = {
  host: { flag: '--host', env: 'HOST', default: '127.0.0.1', help: 'address to listen on (0.0.0.0 for every interface)' },
  port: { flag: '--port', env: 'PORT', default: '8000', help: 'TCP port; 0 picks a free one' },
  redisUrl: { flag: '--redis', env: 'REDIS_URL', default: 'redis://127.0.0.1:6379', help: 'Redis to subscribe to' },
  channelPrefix: { flag: '--channel-prefix', env: 'CHANNEL_PREFIX', default: '', help: 'prefix of the Redis channel names' },
  flushMs: { flag: '--flush-ms', env: 'FLUSH_MS', default: '25', help: 'delta conflation tick; 0 sends one frame per event' },
  heartbeatMs: { flag: '--heartbeat-ms', env: 'HEARTBEAT_MS', default: '1000', help: 'heartbeat and system projection period' },
  idleTimeoutSec: { flag: '--idle-timeout', env: 'IDLE_TIMEOUT', default: '60', help: 'seconds without traffic before a socket is closed (pings are sent before); 0 = off' },
  maxFrameBytes: { flag: '--max-frame-bytes', env: 'MAX_FRAME_BYTES', default: '16384', help: 'largest client frame; a larger one closes the connection' },
  maxBackpressureBytes: { flag: '--max-backpressure', env: 'MAX_BACKPRESSURE', default: '1048576', help: 'bytes buffered per slow client before frames to it are skipped' },
  rateLimit: { flag: '--rate-limit', env: 'RATE_LIMIT', default: '20', help: 'client messages per second, sustained' },
  rateBurst: { flag: '--rate-burst', env: 'RATE_BURST', default: '40', help: 'client messages allowed in a burst' },
  maxStrikes: { flag: '--max-strikes', env: 'MAX_STRIKES', default: '10', help: 'bad or rate-limited frames within a minute before closing with 1008' },
  maxEventBytes: { flag: '--max-event-bytes', env: 'MAX_EVENT_BYTES', default: '65536', help: 'largest Redis message accepted (larger: rejected as too_large)' },
  deadLetterSize: { flag: '--dead-letter-size', env: 'DEAD_LETTER_SIZE', default: '100', help: 'rejected messages kept for GET /rejected' },
  staticRoot: { flag: '--static-root', env: 'STATIC_ROOT', default: DEFAULT_STATIC_ROOT, help: 'directory of the dashboard files served at /' },
  logBatch: { flag: '--log-batch', env: 'LOG_BATCH', default: '1000', help: 'log entries read per XREAD' },
  logMaxEntries: { flag: '--log-max-entries', env: 'LOG_MAX_ENTRIES', default: '1000000', help: 'entries the log keeps (never trimmed past a checkpoint)' },
  checkpointMs: { flag: '--checkpoint-ms', env: 'CHECKPOINT_MS', default: '10000', help: 'how often the projections are checkpointed to Redis (and the log trimmed)' },
  resumeWindowSec: { flag: '--resume-window', env: 'RESUME_WINDOW', default: '30', help: 'seconds a published state stays available to clients resuming from it' },
  maxLogLagMs: { flag: '--max-log-lag-ms', env: 'MAX_LOG_LAG_MS', default: '5000', help: 'log lag beyond which /health reports degraded' },
  bridge: { flag: '--bridge', env: 'BRIDGE', default: 'on', help: 'append messages seen only on pub/sub (PUBLISH-only producers) to the log: on or off' },
  adminHost: { flag: '--admin-host', env: 'ADMIN_HOST', default: '127.0.0.1', help: 'address of the admin listener (/metrics, /rejected)' },
  adminPort: { flag: '--admin-port', env: 'ADMIN_PORT', default: '9464', help: 'port of the admin listener; 0 picks a free one' },
  authSecret: { flag: '--auth-secret', env: 'AUTH_SECRET', default: '', help: 'HS256 secret (32+ characters) that turns access control on; prefer the variable' },
  authPublicKey: { flag: '--auth-public-key', env: 'AUTH_PUBLIC_KEY', default: '', help: 'PEM public key file (RS256 or ES256) that turns access control on' },
  authJwks: { flag: '--auth-jwks', env: 'AUTH_JWKS', default: '', help: 'JWKS file (RS256/ES256 keys by kid) that turns access control on' },
  allowedOrigins: { flag: '--allowed-origins', env: 'ALLOWED_ORIGINS', default: '', help: 'comma-separated origins let in (* any); unset: loopback origins when listening on loopback, else any' },
  allowedHosts: { flag: '--allowed-hosts', env: 'ALLOWED_HOSTS', default: '', help: 'comma-separated Host names (name or name:port; * any); unset: loopback names when listening on loopback, else any' },
  trustedProxies: { flag: '--trusted-proxies', env: 'TRUSTED_PROXIES', default: '', help: 'comma-separated proxy addresses or CIDR ranges whose X-Forwarded-For is believed' },
  maxConnections: { flag: '--max-connections', env: 'MAX_CONNECTIONS', default: '20000', help: 'open WebSocket connections in total (more: closed with 4429); 0 = no cap' },
  maxConnectionsPerIp: { flag: '--max-connections-per-ip', env: 'MAX_CONNECTIONS_PER_IP', default: '256', help: 'open WebSocket connections per client address (more: 4429); 0 = no cap' },
  abuseWaitSec: { flag: '--abuse-wait', env: 'ABUSE_WAIT', default: '30', help: 'seconds an address closed for abuse (1008) is refused with 4429' },
  serveSourceMaps: { flag: '--serve-source-maps', env: 'SERVE_SOURCE_MAPS', default: 'off', help: 'serve the dashboard\'s .map files: on or off' },
  latencyBudgetMs: {
    flag: '--latency-budget-ms',
    env: 'LATENCY_BUDGET_MS',
    default: '250',
    help: 'p99 latency to hold under load: the flush tick lengthens from --flush-ms up to half of it; 0 = fixed tick',
  },
};

/** A positive number up to `max`, decimals allowed. */
function positiveNumberOption(name: string, max: number, expected: string): OptionCodec<number> {
  return new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && u > 0 && u <= max,
    (u, c) => {
      if (typeof u !== 'string' || !/^\s*\d+(\.\d+)?\s*$/.test(u)) return t.failure(u, c, expected);
      const n = Number(u);
      return n > 0 && n <= max ? t.success(n) : t.failure(u, c, expected);
    },
    String,
  );
}

/** A positive amount of dollars as a decimal string, e.g. `500` or `1250.50`. */
const Dollars = new t.Type<string, string, unknown>(
  'Dollars',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' && /^\d{1,12}(\.\d{1,6})?$/.test(u.trim()) && Number(u) > 0
      ? t.success(u.trim())
      : t.failure(u, c, 'expected a positive amount of dollars such as 500 or 1250.50'),
  String,
);

/** A decimal string from 0 (excluded unless `zeroAllowed`) to 1, e.g. `0.25`. */
function unitDecimal(name: string, zeroAllowed: boolean): OptionCodec<string> {
  const expected = `expected a decimal ${zeroAllowed ? 'from 0' : 'above 0 and at most'} ${zeroAllowed ? 'to 1' : '1'}, such as 0.25`;
  return new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string',
    (u, c) => {
      if (typeof u !== 'string' || !/^\s*\d+(\.\d{1,12})?\s*$/.test(u)) return t.failure(u, c, expected);
      const n = Number(u);
      return (zeroAllowed ? n >= 0 : n > 0) && n <= 1 ? t.success(u.trim()) : t.failure(u, c, expected);
    },
    String,
  );
}

/** The simulation's options, shared by `pm-arb agents` and `pm-arb demo`. */
const SimulationProps = {
  seed: intOption('Seed', 0, 2 ** 32 - 1, 'expected a whole number from 0 to 4294967295'),
  speed: positiveNumberOption('Speed', 100_000, 'expected simulated seconds per real second, above 0 and at most 100000'),
  bankroll: Dollars,
  kellyFraction: unitDecimal('KellyFraction', false),
  polymarketFee: unitDecimal('PolymarketFee', true),
};

const SIMULATION_OPTIONS: { readonly [K in keyof typeof SimulationProps]: OptionSpec } = {
  seed: { flag: '--seed', env: 'SEED', default: '9', help: 'seed of the simulated market: the same seed trades the same way' },
  speed: { flag: '--speed', env: 'SPEED', default: '60', help: 'simulated seconds per real second (60: an hour a minute)' },
  bankroll: { flag: '--bankroll', env: 'BANKROLL', default: '500', help: 'initial bankroll in dollars; risk limits are fractions of it' },
  kellyFraction: { flag: '--kelly-fraction', env: 'KELLY_FRACTION', default: '0.25', help: 'fraction of full Kelly the strategies stake' },
  polymarketFee: { flag: '--polymarket-fee', env: 'POLYMARKET_FEE', default: '0', help: 'taker fee rate of Polymarket markets (0: standard markets, no fee)' },
};

/** `pm-arb agents` options. */
export const AgentsConfig = t.type({
  redisUrl: RedisUrl,
  channelPrefix: AnyText,
  ...SimulationProps,
  aliveFile: AnyText,
});
/** The agents' validated configuration. */
export type AgentsConfig = t.TypeOf<typeof AgentsConfig>;

/** Every `pm-arb agents` option. */
export const AGENTS_OPTIONS: { readonly [K in keyof AgentsConfig]: OptionSpec } = {
  redisUrl: SERVER_OPTIONS.redisUrl,
  channelPrefix: SERVER_OPTIONS.channelPrefix,
  ...SIMULATION_OPTIONS,
  aliveFile: {
    flag: '--alive-file',
    env: 'ALIVE_FILE',
    default: '',
    help: 'a file touched at every heartbeat, for container health checks (none when empty)',
  },
};

/** `pm-arb demo` options: the server's and the simulation's. */
export const DemoConfig = t.type({ ...ServerConfig.props, ...SimulationProps });
/** The demo's validated configuration. */
export type DemoConfig = t.TypeOf<typeof DemoConfig>;

/** Every `pm-arb demo` option. */
export const DEMO_OPTIONS: { readonly [K in keyof DemoConfig]: OptionSpec } = { ...SERVER_OPTIONS, ...SIMULATION_OPTIONS };

/** A configuration error: the message names the option and says what is expected. */
export interface ConfigError {
  readonly message: string;
}

/** `--name value` and `--name=value` pairs → a map from flag to text; `--help` maps to `''`. */
export function parseFlags(argv: readonly string[], known: readonly string[]): E.Either<ConfigError, ReadonlyMap<string, string>> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      flags.set('--help', '');
      continue;
    }
    if (!arg.startsWith('--')) return E.left({ message: `Unexpected argument "${arg}"` });
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!known.includes(name)) return E.left({ message: `Unknown option ${name} (see --help)` });
    let value: string | undefined = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
    if (eq === -1) {
      if (value === undefined || (value.startsWith('--') && value.length > 2)) {
        return E.left({ message: `Option ${name} needs a value` });
      }
      i += 1;
    }
    value = value ?? '';
    flags.set(name, value);
  }
  return E.right(flags);
}

/** Flags, then environment, then defaults → a validated config, or an error naming the first bad option. */
export function loadOptions<P extends t.Props>(
  codec: t.TypeC<P>,
  specs: { readonly [K in keyof P]: OptionSpec },
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): E.Either<ConfigError, t.TypeOf<t.TypeC<P>>> {
  const keys = Object.keys(specs) as (keyof P & string)[];
  const flags = parseFlags(
    argv,
    keys.map((k) => specs[k].flag),
  );
  if (E.isLeft(flags)) return flags;
  const raw: Record<string, string> = {};
  for (const key of keys) {
    const spec = specs[key];
    raw[key] = flags.right.get(spec.flag) ?? env[spec.env] ?? spec.default;
  }
  const decoded = codec.decode(raw);
  if (E.isRight(decoded)) return decoded;
  const first = decoded.left[0];
  const key = first?.context[1]?.key as (keyof P & string) | undefined;
  const spec = key === undefined ? undefined : specs[key];
  if (first === undefined || key === undefined || spec === undefined) return E.left({ message: 'Invalid configuration' });
  const source = flags.right.has(spec.flag) ? spec.flag : env[spec.env] !== undefined ? spec.env : `${spec.flag} (default)`;
  return E.left({
    message: `Invalid ${source}: ${first.message ?? 'invalid value'}, got ${JSON.stringify(raw[key])}`,
  });
}

/** The server's options from flags and environment. */
export function loadServerConfig(argv: readonly string[], env: NodeJS.ProcessEnv): E.Either<ConfigError, ServerConfig> {
  return loadOptions(ServerConfig, SERVER_OPTIONS, argv, env);
}

/** The `--help` text of a command: every option with its environment variable and default. */
export function usageOf(command: string, specs: Readonly<Record<string, OptionSpec>>): string {
  const rows = Object.values(specs).map((spec) => {
    const shown = spec.default === '' ? '(none)' : spec.default;
    return `  ${`${spec.flag} <value>`.padEnd(34)} ${spec.env.padEnd(24)} ${spec.help} [default: ${shown}]`;
  });
  return [`Usage: pm-arb ${command} [options]`, '', 'Options (flag, environment variable, meaning):', ...rows, ''].join('\n');
}

/**
 * A command's configuration, or the exit code to stop with: 0 after printing `--help`,
 * 2 after printing an error that names the bad option.
 */
export function commandConfig<P extends t.Props>(
  command: string,
  codec: t.TypeC<P>,
  specs: { readonly [K in keyof P]: OptionSpec },
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { readonly config: t.TypeOf<t.TypeC<P>> } | { readonly exit: number } {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usageOf(command, specs));
    return { exit: 0 };
  }
  const loaded = loadOptions(codec, specs, argv, env);
  if (E.isLeft(loaded)) {
    process.stderr.write(`pm-arb ${command}: ${loaded.left.message}\n`);
    return { exit: 2 };
  }
  return { config: loaded.right };
}
