/**
 * Which `Origin` and `Host` headers are let in. Browsers send `Origin` on a WebSocket upgrade and
 * on cross-origin requests: checking it keeps other web pages from reading the server. Checking
 * `Host` defeats DNS rebinding (a hostile name that resolves to 127.0.0.1).
 */
export interface OriginPolicy {
  /** Allowed origins (`scheme://host[:port]`, lower case), or `any`, or `loopback`. */
  readonly origins: readonly string[] | 'any' | 'loopback';
  /** Allowed host names (`name` for any port, `name:port` for one), or `any`, or `loopback`. */
  readonly hosts: readonly string[] | 'any' | 'loopback';
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Whether a listen address only accepts local connections. */
export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A comma-separated option → its entries, lower-cased; `*` → `any`; empty → the default for the listen address. */
function listOption(text: string, listenHost: string): readonly string[] | 'any' | 'loopback' {
  const entries = text
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
  if (entries.includes('*')) return 'any';
  if (entries.length > 0) return entries;
  return isLoopbackAddress(listenHost) ? 'loopback' : 'any';
}

/** The policy from `--allowed-origins`, `--allowed-hosts` and the listen address. */
export function originPolicy(allowedOrigins: string, allowedHosts: string, listenHost: string): OriginPolicy {
  return { origins: listOption(allowedOrigins, listenHost), hosts: listOption(allowedHosts, listenHost) };
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` → the name (brackets kept) and the port text (may be empty). */
function splitHost(hostPort: string): { name: string; port: string } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]/@\s]+)(?::(\d{1,5}))?$/.exec(hostPort.toLowerCase());
  return match === null ? undefined : { name: match[1] as string, port: match[2] ?? '' };
}

/** Why `host` (the Host header) is refused, or `undefined` when it is allowed. */
export function refuseHost(policy: OriginPolicy, host: string): string | undefined {
  if (policy.hosts === 'any') return undefined;
  const parsed = splitHost(host);
  if (parsed === undefined) return 'host not allowed';
  const allowed =
    policy.hosts === 'loopback'
      ? LOOPBACK_NAMES.includes(parsed.name)
      : policy.hosts.some((entry) => entry === parsed.name || (parsed.port !== '' && entry === `${parsed.name}:${parsed.port}`));
  return allowed ? undefined : 'host not allowed';
}

/** Why `origin` (the Origin header; empty when absent) is refused, or `undefined` when it is allowed. */
export function refuseOrigin(policy: OriginPolicy, origin: string): string | undefined {
  if (origin === '' || policy.origins === 'any') return undefined;
  const lower = origin.toLowerCase();
  if (policy.origins !== 'loopback') return policy.origins.includes(lower) ? undefined : 'origin not allowed';
  const match = /^(https?):\/\/(.+)$/.exec(lower);
  const host = match === null ? undefined : splitHost(match[2] as string);
  return host !== undefined && LOOPBACK_NAMES.includes(host.name) ? undefined : 'origin not allowed';
}
