import { defaultRedisUrl } from './defaults';

/** A tiny `--name value` / `--flag` parser: bench scripts take few options and no package is worth it. */
export function parseArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}": options look like --name value`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      out.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out.set(arg.slice(2), 'true');
    else {
      out.set(arg.slice(2), next);
      i += 1;
    }
  }
  return out;
}

/** A positive number option, or the default; names the option when the value is wrong. */
export function numberOption(args: Map<string, string>, name: string, fallback: number): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** A string option restricted to `allowed`, or the default. */
export function choiceOption<T extends string>(args: Map<string, string>, name: string, allowed: readonly T[], fallback: T): T {
  const raw = args.get(name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

/** `--target ours|socketio|uws|all` or a comma list of them. */
export function targetsOption<T extends string>(args: Map<string, string>, allowed: readonly T[], fallback: T | 'all'): T[] {
  const raw = args.get('target') ?? fallback;
  if (raw === 'all') return [...allowed];
  return raw.split(',').map((t) => choiceOption(new Map([['target', t]]), 'target', allowed, allowed[0] as T));
}

/** Redis for the bench: `--redis`, else what the server would use (`REDIS_URL`, else its default). */
export function redisUrlOption(args: Map<string, string> = new Map()): string {
  return args.get('redis') ?? defaultRedisUrl();
}
